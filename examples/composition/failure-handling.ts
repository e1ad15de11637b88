// Failure handling: a workflow's `onFailure` handler runs when the workflow fails, with the
// workflow's inputs and the error; the run still fails with the original error.
// `failurePolicy: "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE"` lets independent nodes finish first.
//
//   npx flyte run examples/composition/failure-handling.ts cluster_wf --size 0
//   # stderr: [fn0] INFO cleaning up cluster of size 0 after n1 failed: ...
import { z } from "zod";
import { currentContext, flyteErrorType, task, workflow } from "flytekit";

export const create_cluster = task({ name: "create_cluster", inputs: { size: z.int() }, outputs: z.string() }, ({ size }) => `cluster-${size}`);

export const train = task({ name: "train", inputs: { cluster: z.string(), size: z.int() }, outputs: z.number() }, ({ size }) => {
  if (size <= 0) throw new Error(`cannot train on ${size} machines`);
  return 0.9;
});

export const log_progress = task({ name: "log_progress", inputs: { size: z.int() } }, ({ size }) => {
  currentContext().logger.info(`training on ${size} machines`);
});

export const clean_up = task(
  { name: "clean_up", inputs: { size: z.int(), err: flyteErrorType().optional() } },
  ({ size, err }) => {
    currentContext().logger.info(`cleaning up cluster of size ${size} after ${err?.failedNodeId ?? "?"} failed: ${err?.message ?? ""}`);
  },
);

export const cluster_wf = workflow(
  { name: "cluster_wf", inputs: { size: z.int() }, outputs: z.number(), onFailure: clean_up, failurePolicy: "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE" },
  ({ size }) => {
    const cluster = create_cluster({ size });
    log_progress({ size });
    return train({ cluster, size });
  },
);
