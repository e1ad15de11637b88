import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { holdThreadPool } from "../testing/thread-pool-hold.ts";
import { SqliteStateStore } from "./sqlite-state-store.ts";

const dir = mkdtempSync(join(tmpdir(), "flyte-read-durability-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

// A write is visible on the connection once COMMIT returns, but durable only after the fsync that
// follows on the thread pool: a read in between must not answer a client with it.
test("a read made while a committed write waits for its fsync answers only after that fsync", { timeout: 120_000 }, async () => {
  const store = SqliteStateStore.open(join(dir, "flyte.db"));
  try {
    await store.createExecution({ executionId: "e1", closure: create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [] } } }), inputs: create(LiteralMapSchema), createdAt: 1 });
    const hold = holdThreadPool(dir);
    let released = false;
    try {
      const written = store.record([{ kind: "workflow", executionId: "e1", phase: "RUNNING", occurredAt: 2 }]);
      await turns(3);
      let phase: string | undefined;
      const reading = store.getExecution("e1").then((record) => (phase = record?.phase));
      await turns(5);
      assert.equal(phase, undefined, "the read waits: the write it would see is committed, not yet fsynced");
      released = true;
      await hold.release();
      await Promise.all([written, reading]);
      assert.equal(phase, "RUNNING");
    } finally {
      if (!released) await hold.release();
    }
  } finally {
    await store.close();
  }
});
