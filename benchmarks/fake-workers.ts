/**
 * Trivial workers for the durable benchmarks, in a worker thread (their own core and event loop,
 * as real worker processes would have): `loops` long-polling clients, each leasing up to `batch`
 * attempts and completing every one with o0 = x + 1 (the fixtures' `inc`). The thread posts the
 * number of completions when told to stop. Start it with {@link startFakeWorkers}.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkerService } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import { intMap, intsOf } from "../packages/server/src/testing/literals.ts";

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
  const client = createClient(WorkerService, createConnectTransport({ baseUrl: endpoint, httpVersion: "1.1" }));
  let stopping = false;
  let completed = 0;
  parentPort?.once("message", () => (stopping = true));
  await Promise.all(
    Array.from({ length: loops }, async (_, l) => {
      const workerId = `fake-${l}`;
      while (!stopping) {
        // A server that is down (restarting) is polled again shortly, as warm workers do.
        const leased = await client.lease({ workerId, max: batch, waitMs: 200, leaseMs: 60_000 }).catch(() => undefined);
        if (leased === undefined) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const { assignments } = leased;
        await Promise.all(
          assignments.map(async (a) => {
            const x = intsOf(a.inputs)["x"] ?? 0n;
            await client.complete({ workerId, attemptId: a.attemptId, outcome: { case: "outputs", value: intMap({ o0: x + 1n }) } });
            completed++;
          }),
        );
      }
    }),
  );
  parentPort?.postMessage(completed);
}

if (!isMainThread) await runLoops(workerData as Options);
