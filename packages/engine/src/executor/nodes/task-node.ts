/**
 * Task nodes: run the referenced task through the {@link TaskRunner}, attempt after attempt,
 * under the retry budgets and the per-attempt timeout.
 *
 * Timeouts follow Flyte's per-attempt execution deadline: when an attempt runs past
 * `timeout` (node metadata, else task metadata), its signal is aborted and the attempt fails with
 * a recoverable USER failure `USER:Timeout`. It draws on the task's own retries (the author
 * chose both numbers, and a system budget would silently retry tasks declared with
 * `retries: 0`). When no retry remains the node ends TIMED_OUT rather than FAILED. Flyte's second
 * deadline (an "active deadline" over all attempts) is not implemented.
 */
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Node, TaskNode } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { TaskFailure } from "../../runtime/errors.ts";
import type { TaskExecutionPhase } from "../../runtime/phases.ts";
import type { TaskRunResult } from "../../runtime/task-runner.ts";
import { durationToMillis } from "../durations.ts";
import type { GraphOptions } from "../execution-graph.ts";
import {
  engineErrorCodes,
  nodeError,
  runnerThrewFailure,
  timeoutFailure,
} from "../execution-errors.ts";
import { finalFailureReason, recordFailure, type FailureCounts, type RetryBudget } from "../retry-policy.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeHandler,
  type NodeRuntime,
  type PrepareContext,
  type PreparedNode,
} from "./node-handler.ts";
import { startDynamicWorkflow } from "./dynamic-run.ts";
import { cachePolicyOf, startCachedTaskNode, type TaskCachePolicy } from "./task-cache.ts";
import { NodeEagerController } from "./eager-children.ts";
import { withUnboundOptionals } from "../optional-inputs.ts";

/** Runs task nodes. */
export const taskNodeHandler: NodeHandler = {
  prepare(node: Node, context: PrepareContext): PreparedNode {
    const taskNode = node.target.value as TaskNode;
    if (taskNode.reference.case !== "referenceId") {
      throw new NodePreparationError(
        nodeError(engineErrorCodes.invalidClosure, "SYSTEM", `Task node "${node.id}" does not reference a task.`, node.id),
      );
    }
    const taskId = taskNode.reference.value;
    const task = context.findTask(taskId);
    if (task === undefined) {
      throw new NodePreparationError(
        nodeError(
          engineErrorCodes.invalidClosure,
          "SYSTEM",
          `Task node "${node.id}" references task ${describeTaskId(taskId)}, which is not among the ` +
            "closure's tasks; compile the workflow again so the closure carries every task it uses.",
          node.id,
          taskId.name,
        ),
      );
    }
    // Node metadata overrides the task's settings when present (flytekit's with_overrides).
    const retries = node.metadata?.retries ?? task.metadata?.retries;
    const timeout = node.metadata?.timeout ?? task.metadata?.timeout;
    const cache = cachePolicyOf(node, task);
    const prepared = new PreparedTaskNode(
      task,
      task.id?.name ?? taskId.name,
      { userRetries: Math.max(0, retries?.retries ?? 0), systemRetries: context.systemRetries },
      durationToMillis(timeout),
      // Dynamic specs and eager calls are prepared like the execution's own graph.
      { systemRetries: context.systemRetries, launchPlans: context.launchPlans, executeChild: context.executeChild },
    );
    prepared.cache = cache;
    return prepared;
  },
};

/** `project/domain/name@version`, for messages. */
export function describeTaskId(id: Identifier): string {
  return `"${id.project}/${id.domain}/${id.name}@${id.version}"`;
}

class PreparedTaskNode implements PreparedNode {
  readonly kind = "taskNode";
  readonly countsTowardParallelism = true;
  readonly task: TaskTemplate;
  readonly taskName: string;
  readonly budget: RetryBudget;
  /** Per-attempt timeout; 0 for none. */
  readonly timeoutMs: number;
  readonly graphOptions: GraphOptions;
  /** Cache settings when the node is cacheable (task-cache.ts). */
  cache: TaskCachePolicy | undefined;

  constructor(task: TaskTemplate, taskName: string, budget: RetryBudget, timeoutMs: number, graphOptions: GraphOptions) {
    this.task = task;
    this.taskName = taskName;
    this.budget = budget;
    this.timeoutMs = timeoutMs;
    this.graphOptions = graphOptions;
  }

  start(runtime: NodeRuntime, index: number, bound: LiteralMap): ActiveNode {
    const inputs = withUnboundOptionals(bound, this.task.interface?.inputs?.variables);
    const run = (attemptRuntime: NodeRuntime): ActiveNode => {
      const execution = new TaskNodeExecution(this, attemptRuntime, index, inputs);
      execution.runAttempt();
      return execution;
    };
    return this.cache === undefined ? run(runtime) : startCachedTaskNode(this.cache, runtime, index, inputs, run);
  }
}

/** One task node while it runs: its attempts, failure counts, and the current attempt's timer. */
class TaskNodeExecution implements ActiveNode {
  readonly #node: PreparedTaskNode;
  readonly #runtime: NodeRuntime;
  readonly #index: number;
  readonly #inputs: LiteralMap;
  readonly #counts: FailureCounts = { user: 0, system: 0 };
  #attempt = 0;
  #done = false;
  /** Only when the attempt has a timeout; otherwise attempts share the execution's signal. */
  #controller: AbortController | undefined;
  #cancelTimer: (() => void) | undefined;
  /** The sub-graph of a dynamic task, once its attempt returned a spec. */
  #dynamic: ActiveNode | undefined;
  /** Children of an eager task (see eager-children.ts). */
  #eager: NodeEagerController | undefined;

  constructor(node: PreparedTaskNode, runtime: NodeRuntime, index: number, inputs: LiteralMap) {
    this.#node = node;
    this.#runtime = runtime;
    this.#index = index;
    this.#inputs = inputs;
  }

  runAttempt(): void {
    const attempt = this.#attempt;
    const runtime = this.#runtime;
    this.#emit("RUNNING");
    let signal = runtime.signal;
    if (this.#node.timeoutMs > 0) {
      const controller = new AbortController();
      this.#controller = controller;
      signal = controller.signal;
      this.#cancelTimer = runtime.clock.setTimer(this.#node.timeoutMs, () => this.#onTimeout(attempt));
    }
    let pending: Promise<TaskRunResult>;
    try {
      pending = runtime.runner.run({
        executionId: runtime.executionId,
        nodeId: runtime.nodeId(this.#index),
        attempt,
        task: this.#node.task,
        inputs: this.#inputs,
        signal,
        ...(this.#node.task.metadata?.isEager === true ? { eager: this.#eagerController() } : {}),
      });
    } catch (thrown) {
      pending = Promise.resolve({ kind: "failure", error: runnerThrewFailure(thrown) });
    }
    // Completion always arrives on a later microtask, so long chains never grow the stack.
    pending.then(
      (result) => this.#onSettled(attempt, result),
      (thrown: unknown) => this.#onSettled(attempt, { kind: "failure", error: runnerThrewFailure(thrown) }),
    );
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stopAttempt();
    this.#controller?.abort(new DOMException("The execution ended before the attempt finished.", "AbortError"));
    this.#eager?.abortRunning("the eager node was aborted");
    if (this.#dynamic !== undefined) {
      this.#dynamic.abort();
      return; // the attempt already succeeded; only the sub-graph was running
    }
    this.#emit("ABORTED");
  }

  #eagerController(): NodeEagerController {
    this.#eager ??= new NodeEagerController(this.#runtime, this.#index, this.#node.task.id ?? ({} as never), this.#node.graphOptions);
    return this.#eager;
  }

  /** The attempt returned a workflow: run it as this node's sub-graph (dynamic-run.ts). */
  #startDynamic(spec: Extract<TaskRunResult, { kind: "dynamic" }>["spec"]): void {
    this.#emit("SUCCEEDED");
    const runtime = this.#runtime;
    const index = this.#index;
    this.#dynamic = startDynamicWorkflow(runtime, index, this.#node.task, this.#inputs, spec, this.#node.graphOptions, {
      succeed: (outputs) => {
        this.#done = true;
        runtime.succeed(index, outputs);
      },
      fail: (error, phase) => {
        this.#done = true;
        runtime.fail(index, error, phase);
      },
    });
  }

  #onSettled(attempt: number, result: TaskRunResult): void {
    // A result after a timeout, an abort or a newer attempt is ignored: the outcome is already recorded.
    if (this.#done || attempt !== this.#attempt) return;
    this.#stopAttempt();
    this.#controller = undefined;
    this.#eager?.abortRunning("the eager task's attempt ended without awaiting it");
    if (result.kind === "dynamic") {
      this.#startDynamic(result.spec);
    } else if (result.kind === "success") {
      this.#done = true;
      this.#emit("SUCCEEDED");
      this.#runtime.succeed(this.#index, result.outputs);
    } else {
      this.#onFailure(result.error, false);
    }
  }

  #onTimeout(attempt: number): void {
    if (this.#done || attempt !== this.#attempt) return;
    this.#cancelTimer = undefined;
    const failure = timeoutFailure(this.#node.timeoutMs);
    this.#controller?.abort(new DOMException(failure.message, "TimeoutError"));
    this.#controller = undefined;
    this.#eager?.abortRunning("the eager task's attempt timed out");
    this.#onFailure(failure, true);
  }

  #onFailure(failure: TaskFailure, timedOut: boolean): void {
    const node = this.#node;
    if (recordFailure(failure, this.#counts, node.budget)) {
      this.#emit("RETRYABLE_FAILED", failure);
      this.#attempt++;
      this.runAttempt();
      return;
    }
    this.#done = true;
    this.#emit("FAILED", failure);
    const reason = finalFailureReason(failure, this.#counts, node.budget);
    const message = `Attempt ${this.#attempt + 1} failed with ${failure.code}: ${failure.message} (${reason}).`;
    const nodeId = this.#runtime.nodeId(this.#index);
    this.#runtime.fail(
      this.#index,
      nodeError(failure.code, failure.kind, message, nodeId, node.taskName),
      timedOut ? "TIMED_OUT" : "FAILED",
    );
  }

  #stopAttempt(): void {
    if (this.#cancelTimer !== undefined) {
      this.#cancelTimer();
      this.#cancelTimer = undefined;
    }
  }

  #emit(phase: TaskExecutionPhase, error?: TaskFailure): void {
    const runtime = this.#runtime;
    const executionId = runtime.executionId;
    const nodeId = runtime.nodeId(this.#index);
    const taskName = this.#node.taskName;
    const attempt = this.#attempt;
    const occurredAt = runtime.clock.now();
    runtime.emit(
      error === undefined
        ? { kind: "task", executionId, nodeId, taskName, attempt, phase, occurredAt }
        : { kind: "task", executionId, nodeId, taskName, attempt, phase, occurredAt, error },
    );
  }
}
