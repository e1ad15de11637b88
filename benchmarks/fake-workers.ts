/**
 * Trivial workers for the durable benchmarks, in a worker thread (their own core and event loop,
 * as real worker processes would have): `loops` sessions (test-session.ts), each granting `batch`
 * credit and completing every attempt with o0 = x + 1 (the fixtures' `inc`). The thread posts the
 * number of completions when told to stop. Start it with {@link startFakeWorkers}.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap, intsOf } from "../packages/server/src/testing/literals.ts";
import { TestSession } from "../packages/server/src/testing/test-session.ts";

interface Options {
  readonly endpoint: string;
  readonly loops: number;
  readonly batch: number;
}

/** Fake workers running in a thread; `stop()` resolves with how many attempts they completed. */
export function startFakeWorkers(options: Options): { stop(): Promise<number> } {
  const thread = new Worker(new URL(import.meta.url), { workerData: options });
  const done = new Promise<number>((resolve, reject) => {
    thread.once("message", (n: number) => resolve(n));
    thread.once("error", reject);
  });
  return {
    async stop() {
      thread.postMessage("stop");
      const n = await done;
      await thread.terminate();
      return n;
    },
  };
}

async function runLoops({ endpoint, loops, batch }: Options): Promise<void> {
  const client = createClient(WorkerService, createConnectTransport({ baseUrl: endpoint, httpVersion: "2", acceptCompression: [] }));
  let completed = 0;
  // A server that is down (restarting) is reconnected to shortly, as warm workers do.
  const sessions = Array.from({ length: loops }, (_, l) => {
    const session: TestSession = new TestSession((requests, signal) => client.session(requests, { signal }), {
      workerId: `fake-${l}`,
      leaseMs: 60_000,
      credit: batch,
      reconnect: true,
      onAssigned: (assignments) => {
        session.assignments.length = 0;
        for (const a of assignments) {
          const x = intsOf(a.inputs)["x"] ?? 0n;
          void session.complete({ attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: x + 1n }) } }).then((status) => {
            if (status !== undefined) completed++;
          });
        }
        session.grant(assignments.length);
      },
    });
    return session;
  });
  await new Promise((resolve) => parentPort?.once("message", resolve));
  await Promise.all(sessions.map((s) => s.close()));
  parentPort?.postMessage(completed);
}

if (!isMainThread) await runLoops(workerData as Options);
