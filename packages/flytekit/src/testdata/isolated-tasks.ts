// Tasks the local isolation tests run: each has a timeout, a memory limit or fresh isolation, so
// local runs put its attempts in an isolate (local/isolated-attempt.ts).
import { isMainThread } from "node:worker_threads";
import { z } from "zod";
import { currentContext, task, workflow } from "../index.ts";

export const spin = task({ name: "spin", outputs: z.int(), timeout: "1s" }, () => {
  for (;;) {
    // only stopping the isolate ends this
  }
});

export const exits = task({ name: "exits", outputs: z.int(), isolation: "fresh" }, () => {
  process.exit(7);
});

export const throwsLater = task({ name: "throwsLater", outputs: z.int(), isolation: "fresh" }, () =>
  new Promise<number>(() => {
    setTimeout(() => {
      throw new TypeError("thrown in a timer");
    }, 5);
  }),
);

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}
export const overflows = task({ name: "overflows", outputs: z.int(), isolation: "fresh" }, () => recurse(0));

export const hog = task({ name: "hog", outputs: z.int(), limits: { mem: "64Mi" } }, () => {
  const kept: number[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
});

let calls = 0;
export const counterWarm = task({ name: "counterWarm", outputs: z.int(), timeout: "30s" }, () => ++calls);
export const counterFresh = task({ name: "counterFresh", outputs: z.int(), isolation: "fresh" }, () => ++calls);

// Not exported: the isolate finds it by where it was defined.
const hidden = task({ name: "hidden", inputs: { a: z.int() }, outputs: z.int(), timeout: "30s" }, ({ a }) => {
  if (currentContext().signal.aborted) throw new Error("aborted too early");
  if (isMainThread) throw new Error("expected to run in an isolate");
  return a * 2;
});
export const hidden_wf = workflow({ name: "hidden_wf", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => hidden({ a }));

/** A task made at run time: no isolate can find it, so it runs in the caller's thread. */
export function madeLater() {
  return task({ name: "madeLater", outputs: z.string(), timeout: "30s" }, () => (isMainThread ? "ran in-process" : "ran in an isolate"));
}
