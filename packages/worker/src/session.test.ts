// The session's messages (session-stream.ts, completion-bytes.ts) against connect-es's own
// server (the fake WorkerService on its router): what it reads is what the worker meant to send.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { CompleteRequestSchema, CompletionAck_Status, SessionRequestSchema } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { completionBytes, sessionRequestBytes } from "./completion-bytes.ts";
import { WorkerSession, type SessionHost } from "./session.ts";
import { FakeWorkerService } from "./testing/fake-worker-service.ts";
import { intOf, ints } from "./testing/literals.ts";

const host: SessionHost = { assigned: () => {}, cancelled: () => {}, free: () => 0, running: () => [], log: () => {} };

const outcomeBytes = (value: bigint): Uint8Array => toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { outcome: { case: "outputs", value: ints({ o0: value }) } }));

describe("the worker's session", () => {
  test("a completion the session sends reaches the server as that completion, outcome and all, and its ack comes back", async () => {
    const fake = await new FakeWorkerService().start();
    const connection = new Http2SessionManager(fake.url);
    const session = new WorkerSession(connection, { workerId: "w", endpoint: fake.url, leaseMs: 30_000 }, { ...host, free: () => 2 });
    const running = session.run();
    try {
      const acked = session.complete("7", completionBytes({ workerId: "w", attemptId: "7", leaseToken: 2, log: "hi\n", startedAt: 1, finishedAt: 2 }, outcomeBytes(8n)));
      assert.equal(await acked, CompletionAck_Status.RECORDED);
      assert.deepEqual(
        fake.completions.map((c) => [c.attemptId, c.leaseToken, c.log, c.outcome.case === "outputs" ? intOf(c.outcome.value, "o0") : undefined]),
        [["7", 2, "hi\n", 8n]],
      );
      const first = fake.messages[0];
      assert.deepEqual([first?.workerId, first?.leaseMs, first?.credit], ["w", 30_000, 2], "the first message names the worker, its lease and its credit");
      session.close();
      assert.equal(await session.complete("8", new Uint8Array()), undefined, "closed: undefined");
    } finally {
      session.close();
      await running;
      connection.abort();
      await fake.close();
    }
  });

  test("attempts the server hands out reach the host within the credit granted", async () => {
    const fake = await new FakeWorkerService().start();
    const connection = new Http2SessionManager(fake.url);
    const assigned: string[] = [];
    const session = new WorkerSession(connection, { workerId: "w", endpoint: fake.url, leaseMs: 30_000 }, { ...host, free: () => 1 - assigned.length, assigned: (a) => assigned.push(...a.map((x) => x.attemptId)) });
    const running = session.run();
    try {
      fake.push({ attemptId: "1" });
      fake.push({ attemptId: "2" });
      for (let i = 0; i < 500 && assigned.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(assigned, ["1"]);
    } finally {
      session.close();
      await running;
      connection.abort();
      await fake.close();
    }
  });

  test("a request written by its fields' numbers reads back as the message, with the completions sent as bytes", () => {
    const first = completionBytes({ workerId: "w1", attemptId: "41", leaseToken: 3, log: "printed\n", startedAt: 1_000, finishedAt: 2_000 }, outcomeBytes(5n));
    const second = completionBytes({ workerId: "w1", attemptId: "42", leaseToken: 4, log: "", startedAt: 3_000, finishedAt: 4_000 }, outcomeBytes(6n));
    const read = fromBinary(SessionRequestSchema, sessionRequestBytes({ workerId: "w1", leaseMs: 30_000, heldAttemptIds: ["40", "39"], credit: 2 }, [first, second]));
    assert.deepEqual([read.workerId, read.leaseMs, read.heldAttemptIds, read.credit], ["w1", 30_000, ["40", "39"], 2]);
    assert.deepEqual(
      read.completions.map((c) => [c.workerId, c.attemptId, c.leaseToken, c.log, c.startedAt, c.finishedAt, c.outcome.case === "outputs" ? intOf(c.outcome.value, "o0") : undefined]),
      [
        ["w1", "41", 3, "printed\n", 1_000n, 2_000n, 5n],
        ["w1", "42", 4, "", 3_000n, 4_000n, 6n],
      ],
    );
    assert.deepEqual(sessionRequestBytes({ credit: 3 }, []), toBinary(SessionRequestSchema, create(SessionRequestSchema, { credit: 3 })), "credit alone: the same bytes as the message");
    assert.equal(sessionRequestBytes({}, []).length, 0, "a keep-alive is an empty message");
  });
});
