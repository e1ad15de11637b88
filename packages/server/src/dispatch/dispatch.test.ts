import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createContextValues, type HandlerContext } from "@connectrpc/connect";
import type { TaskRunRequest } from "@flyte/engine";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import {
  CompleteRequestSchema,
  CompleteResponse_Status,
  HeartbeatRequestSchema,
  LeaseRequestSchema,
  type CompleteResponse,
  type HeartbeatResponse,
  type LeaseResponse,
} from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { openDatabase, type Database } from "../db/database.ts";
import { groupCommitterFor } from "../db/group-commit.ts";
import { AttemptQueue } from "../queue/attempt-queue.ts";
import { intMap, intsOf } from "../testing/literals.ts";
import { workerService } from "./worker-service.ts";
import { WorkerTaskRunner, bundleUrlOf } from "./worker-task-runner.ts";

const ctx = { signal: new AbortController().signal, values: createContextValues() } as unknown as HandlerContext;
const task = create(TaskTemplateSchema, {
  id: { project: "p", domain: "d", name: "t", version: "v" },
  target: { case: "container", value: { args: ["run", "--additional-distribution", "http://x/b.tgz"] } },
});
const request = (attempt: number, signal = new AbortController().signal): TaskRunRequest => ({
  executionId: "p:d:e1", nodeId: "n0", attempt, task, inputs: intMap({ x: 1 }), signal,
});

describe("dispatch to workers", () => {
  let dir: string;
  let db: Database;
  let queue: AttemptQueue;
  let runner: WorkerTaskRunner;
  let service: ReturnType<typeof workerService>;
  let lease: (leaseMs?: number) => Promise<LeaseResponse>;
  let complete: (workerId: string, attemptId: string, o0: number) => Promise<CompleteResponse>;
  let heartbeat: (attemptId: string) => Promise<HeartbeatResponse>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyte-dispatch-unit-"));
    db = openDatabase(join(dir, "flyte.db"), { fsync: false });
    queue = new AttemptQueue(db);
    runner = new WorkerTaskRunner({ queue, expiryCheckMs: 60_000 });
    service = workerService({ queue, runner });
    lease = async (leaseMs = 30_000) => (await service.lease(create(LeaseRequestSchema, { workerId: "w", max: 1, waitMs: 1000, leaseMs }), ctx)) as LeaseResponse;
    complete = async (workerId: string, attemptId: string, o0: number) =>
      (await service.complete(create(CompleteRequestSchema, { workerId, attemptId, outcome: { case: "outputs", value: intMap({ o0 }) } }), ctx)) as CompleteResponse;
    heartbeat = async (attemptId: string) => (await service.heartbeat(create(HeartbeatRequestSchema, { workerId: "w", attemptIds: [attemptId] }), ctx)) as HeartbeatResponse;
  });

  after(async () => {
    runner.close();
    await service.settled();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("an attempt is leased with its assignment, and Complete wakes the runner with the outputs", async () => {
    const pending = runner.run(request(0));
    const a = (await lease()).assignments[0]!;
    assert.equal(a.bundleUrl, "http://x/b.tgz");
    assert.equal(a.executionName, "e1");
    assert.equal(a.outputPrefix, "metadata/p-d-e1/n0/data/0");
    const done = await complete("w", a.attemptId, 2);
    assert.equal(done.status, CompleteResponse_Status.RECORDED);
    const result = await pending;
    assert.equal(result.kind, "success");
    assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 2n });
    const again = await complete("w", a.attemptId, 3);
    assert.equal(again.status, CompleteResponse_Status.DUPLICATE);
    const other = await complete("other", a.attemptId, 3);
    assert.equal(other.status, CompleteResponse_Status.DUPLICATE);
  });

  test("asking again for an attempt that already completed returns the recorded outcome without queueing it again", async () => {
    const result = await runner.run(request(0));
    assert.deepEqual(result.kind === "success" && intsOf(result.outputs), { o0: 2n });
    assert.equal((await queue.listByExecution("p:d:e1")).length, 1);
  });

  test("an aborted attempt is cancelled in the queue and its worker learns it on the next heartbeat", async () => {
    const controller = new AbortController();
    const pending = runner.run(request(1, controller.signal));
    const id = (await lease()).assignments[0]!.attemptId;
    controller.abort();
    assert.equal((await pending).kind, "failure");
    for (let i = 0; i < 50; i++) {
      const beat = await heartbeat(id);
      if (beat.cancelledAttemptIds.includes(id)) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.fail("the heartbeat never reported the cancelled attempt");
  });

  test("a lapsed lease fails the attempt as a recoverable SYSTEM:LeaseExpired", async () => {
    const pending = runner.run(request(2));
    await lease(1);
    await new Promise((r) => setTimeout(r, 5));
    await runner.sweep();
    const result = await pending;
    assert.equal(result.kind === "failure" && result.error.code, "SYSTEM:LeaseExpired");
    assert.equal(result.kind === "failure" && result.error.recoverable, true);
  });

  test("Complete wakes the runner before its commit: the next node's enqueue shares the completion's fsync", async () => {
    const next = { ...request(0), nodeId: "n1" };
    const chain = runner.run({ ...request(0), nodeId: "n0b" }).then(() => runner.run(next));
    const a = (await lease()).assignments[0]!;
    const committer = groupCommitterFor(db);
    const before = committer.stats.commits;
    assert.equal((await complete("w", a.attemptId, 5)).status, CompleteResponse_Status.RECORDED);
    const b = (await service.lease(create(LeaseRequestSchema, { workerId: "w", max: 1, waitMs: 0 }), ctx)) as LeaseResponse;
    assert.equal(b.assignments[0]?.nodeId, "n1", "the next attempt was durable when Complete answered");
    assert.equal(committer.stats.commits - before, 1, "one fsync'd commit: completion, reaction and enqueue");
    await complete("w", b.assignments[0]?.attemptId ?? "", 6);
    assert.equal((await chain).kind, "success");
  });

  test("the bundle URL is read from --additional-distribution, in either spelling", () => {
    assert.equal(bundleUrlOf(task), "http://x/b.tgz");
    const eq = create(TaskTemplateSchema, { target: { case: "container", value: { args: ["--additional-distribution=s3://b"] } } });
    assert.equal(bundleUrlOf(eq), "s3://b");
    assert.equal(bundleUrlOf(create(TaskTemplateSchema)), "");
  });
});
