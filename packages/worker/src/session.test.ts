// The session's completions, sent as bytes (completion-bytes.ts), read back on the server's side
// as the completions they encode.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { CompleteRequestSchema, SessionRequestSchema, type SessionRequest, type WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { completionBytes, sessionRequestWith } from "./completion-bytes.ts";
import { WorkerSession, type SessionHost } from "./session.ts";
import { intOf, ints } from "./testing/literals.ts";

/** What the server reads: each message the worker pushed, encoded and decoded as on the wire. */
function standIn(seen: (message: SessionRequest) => void): Client<typeof WorkerService> {
  return {
    session: async function* (requests: AsyncIterable<SessionRequest>) {
      for await (const request of requests) seen(fromBinary(SessionRequestSchema, toBinary(SessionRequestSchema, create(SessionRequestSchema, request))));
      yield* [];
    },
  } as unknown as Client<typeof WorkerService>;
}

const host: SessionHost = { assigned: () => {}, cancelled: () => {}, free: () => 0, running: () => [], log: () => {} };

const outcomeBytes = (value: bigint): Uint8Array => toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome: { case: "outputs", value: ints({ o0: value }) } }));

describe("the worker's session", () => {
  test("a completion the session sends reaches the server as that completion, outcome and all", async () => {
    const seen: SessionRequest[] = [];
    const session = new WorkerSession(standIn((m) => seen.push(m)), { workerId: "w", endpoint: "stand-in", leaseMs: 30_000 }, host);
    const running = session.run();
    try {
      const acked = session.complete("7", completionBytes({ workerId: "w", attemptId: "7", leaseToken: 2, log: "hi\n", startedAt: 1, finishedAt: 2 }, outcomeBytes(8n)));
      for (let i = 0; i < 500 && !seen.some((m) => m.completions.length > 0); i++) await new Promise((r) => setTimeout(r, 10));
      const sent = seen.flatMap((m) => m.completions);
      assert.deepEqual(
        sent.map((c) => [c.attemptId, c.leaseToken, c.log, c.outcome.case === "outputs" ? intOf(c.outcome.value, "o0") : undefined]),
        [["7", 2, "hi\n", 8n]],
      );
      session.close();
      assert.equal(await acked, undefined, "closed before an ack: undefined");
    } finally {
      session.close();
      await running;
    }
  });

  test("completions sent as bytes read back as the completions they encode, with the fields added on the main thread", () => {
    const first = completionBytes({ workerId: "w1", attemptId: "41", leaseToken: 3, log: "printed\n", startedAt: 1_000, finishedAt: 2_000 }, outcomeBytes(5n));
    const second = completionBytes({ workerId: "w1", attemptId: "42", leaseToken: 4, log: "", startedAt: 3_000, finishedAt: 4_000 }, outcomeBytes(6n));
    const read = fromBinary(SessionRequestSchema, toBinary(SessionRequestSchema, sessionRequestWith({ credit: 2 }, [first, second])));
    assert.equal(read.credit, 2);
    assert.deepEqual(
      read.completions.map((c) => [c.workerId, c.attemptId, c.leaseToken, c.log, c.startedAt, c.finishedAt, c.outcome.case === "outputs" ? intOf(c.outcome.value, "o0") : undefined]),
      [
        ["w1", "41", 3, "printed\n", 1_000n, 2_000n, 5n],
        ["w1", "42", 4, "", 3_000n, 4_000n, 6n],
      ],
    );
  });
});
