import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import type { EagerController } from "./eager-controller.ts";
import type { TaskFailure } from "./errors.ts";

/** What the engine asks a runner to do: run one attempt of one task node. */
export interface TaskRunRequest {
  /** Execution name, unique within project and domain. */
  readonly executionId: string;
  /** Fully qualified node id (nested nodes are prefixed by their parents' ids). */
  readonly nodeId: string;
  /** Zero-based attempt number. */
  readonly attempt: number;
  /** The task template from the compiled closure. */
  readonly task: TaskTemplate;
  /** Inputs, resolved from the node's bindings. */
  readonly inputs: LiteralMap;
  /** Aborted when the attempt times out or the execution is terminated. */
  readonly signal: AbortSignal;
  /**
   * Present for eager tasks (`TaskMetadata.isEager`): runs the entities the task's body awaits as
   * recorded child nodes of this node (see eager-controller.ts). @default absent
   */
  readonly eager?: EagerController;
  /**
   * Folder-like URI under which attempts write raw data (files, directories, dataframes), e.g.
   * `http://<server>/download/<project>/<domain>/raw` on a worker; each attempt gets its own
   * sharded prefix below it. @default the local data folder
   */
  readonly rawOutputBase?: string;
}

/** The outcome of one attempt. */
export type TaskRunResult =
  | { readonly kind: "success"; readonly outputs: LiteralMap }
  | { readonly kind: "failure"; readonly error: TaskFailure }
  /**
   * A dynamic task built a workflow instead of returning outputs (flytekit's `futures.pb`): the
   * engine compiles it and runs it as the node's sub-graph; its output bindings are the outputs.
   */
  | { readonly kind: "dynamic"; readonly spec: DynamicJobSpec };

/**
 * Runs task attempts. Local runs use an in-process runner (the SDK calls the task's function);
 * the server uses a runner that queues attempts for workers.
 */
export interface TaskRunner {
  run(request: TaskRunRequest): Promise<TaskRunResult>;
}
