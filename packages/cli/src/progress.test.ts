import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { ProgressLine } from "./progress.ts";

/** A terminal-like stream that keeps what was written. */
function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 80 });
  return { stream, text: () => chunks.join("") };
}

describe("progress line", () => {
  test("counts finished nodes and names running ones, ignoring start and end nodes", () => {
    const { stream, text } = terminal();
    const progress = new ProgressLine(stream, 3);
    const at = (nodeId: string, phase: "RUNNING" | "SUCCEEDED" | "FAILED", occurredAt: number) =>
      progress.emit({ kind: "node", executionId: "e", nodeId, phase, occurredAt });
    at("start-node", "SUCCEEDED", 0);
    at("n0", "RUNNING", 1);
    assert.match(text(), /\[0\/3 nodes\] running n0/);
    progress.finish();
    assert.ok(text().endsWith("\r\x1b[K"));
  });

  test("shows failures in the count", async () => {
    const { stream, text } = terminal();
    const progress = new ProgressLine(stream, 2);
    progress.emit({ kind: "node", executionId: "e", nodeId: "n0", phase: "FAILED", occurredAt: 0 });
    await new Promise((r) => setTimeout(r, 110)); // the line redraws at most every 100 ms
    progress.emit({ kind: "node", executionId: "e", nodeId: "n1", phase: "SUCCEEDED", occurredAt: 0 });
    assert.match(text(), /\[1\/2 nodes, 1 failed\]/);
  });
});
