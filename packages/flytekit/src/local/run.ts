/**
 * Local runs: the same compiled graph and the same engine as on the server, with an in-memory
 * store and tasks called in this process.
 */
import { Engine, compileWorkflow, formatDiagnostics, type CompiledWorkflowClosure, type EventSink, type ExecutionError } from "@flyte/engine";
import { callEntity, checkCallInputs, setLocalRunner } from "../call.ts";
import { entityPhrase, type CallableEntity } from "../entity.ts";
import { FlyteError } from "../errors.ts";
import { shapeNativeOutputs } from "../outputs.ts";
import { nameImportedModules } from "../loader.ts";
import { LOCAL_SETTINGS } from "../serialize/settings.ts";
import { workflowBundleOf } from "../serialize/workflow-template.ts";
import type { OutputsOption } from "../signature.ts";
import { TaskDefinition } from "../task.ts";
import { fromLiteralMap, toLiteralMap } from "../types/index.ts";
import { hasOffloadedLiterals } from "../data/offload-check.ts";
import { hasData } from "../types/blob.ts";
import { WorkflowDefinition } from "../workflow.ts";
import { randomHex } from "../node-builtins.ts";
import { InProcessTaskRunner } from "./in-process-runner.ts";
import { DiskCatalog, localCacheEnabled } from "./disk-cache.ts";
import { LocalSignalSource, type SignalPrompt } from "./signals.ts";
import { eagerCall } from "./eager-run.ts";
import { heldCall } from "../isolate/thread-state.ts";
import { MapTaskDefinition } from "../map-task.ts";
import { LaunchPlanDefinition, launchInputs } from "../launch-plan.ts";
import { launchPlanInputs, localLaunchPlanResolver, withLaunchedWorkflows } from "./launch-plans.ts";

/** Options of a local run. */
export interface LocalRunOptions {
  /** Receives every phase change (the CLI draws progress from them). */
  readonly events?: EventSink;
  /** Aborting it terminates the run. */
  readonly signal?: AbortSignal;
  /** Most task nodes running at once (a launch plan's setting); 0 for no limit. @default 0 */
  readonly maxParallelism?: number | undefined;
  /** Values of signal and approval gates, by gate name (approvals take booleans). @default {} */
  readonly signals?: Readonly<Record<string, unknown>>;
  /** Asks for a signal that `signals` does not give (the CLI's terminal prompt). @default none: the gate fails */
  readonly askSignal?: SignalPrompt;
  /** Use the local disk cache for cacheable tasks. @default true unless FLYTE_LOCAL_CACHE=off */
  readonly cache?: boolean;
  /** Run cacheable tasks even on a hit and replace the stored results. @default false */
  readonly overwriteCache?: boolean;
}

/** A workflow compiled for local runs. */
export interface LocalPlan {
  readonly closure: CompiledWorkflowClosure;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  /** Launch plans that launch-plan nodes run (at any depth, launched workflows included), by name. */
  readonly launchPlans?: ReadonlyMap<string, LaunchPlanDefinition>;
}

const plans = new WeakMap<CallableEntity, LocalPlan>();

/** Compiles `entity` (a task runs as a one-node workflow) once, throwing every diagnostic at once. */
export function planOf(entity: CallableEntity): LocalPlan {
  if (entity instanceof LaunchPlanDefinition) return planOf(entity.workflow);
  const cached = plans.get(entity);
  if (cached !== undefined) return cached;
  const workflow =
    entity instanceof TaskDefinition || entity instanceof MapTaskDefinition ? singleTaskWorkflow(entity) : (entity as WorkflowDefinition);
  const bundle = workflowBundleOf(workflow, LOCAL_SETTINGS);
  const result = compileWorkflow({
    primary: bundle.primary,
    subWorkflows: bundle.subWorkflows,
    tasks: bundle.tasks,
    launchPlans: launchPlanInputs(bundle.launchPlans),
  });
  if (!result.ok) {
    throw new FlyteError("E_COMPILE", `${entity.kind} '${entity.name}' does not compile:\n${formatDiagnostics(result.diagnostics)}`);
  }
  const plan = { closure: result.closure, ...withLaunchedWorkflows(bundle.taskDefinitions, bundle.launchPlans, planOf) };
  plans.set(entity, plan);
  return plan;
}

/** Runs `entity` locally on native inputs and returns native outputs shaped by its output form. */
export async function runLocally(entity: CallableEntity, inputs: Record<string, unknown>, options: LocalRunOptions = {}): Promise<unknown> {
  // A script that calls entities itself: name what its imports export, as the CLI would.
  await nameImportedModules();
  if (entity instanceof LaunchPlanDefinition) {
    // A launch plan runs its workflow with the saved inputs (and its parallelism limit).
    return runLocally(entity.workflow, launchInputs(entity, inputs), { ...options, maxParallelism: entity.maxParallelism ?? options.maxParallelism });
  }
  if (!(entity instanceof TaskDefinition || entity instanceof WorkflowDefinition || entity instanceof MapTaskDefinition)) {
    throw new FlyteError("E_EXECUTION_FAILED", `${entity.kind} '${entity.name}' cannot run locally.`);
  }
  checkCallInputs(entity, [inputs]);
  const plan = planOf(entity);
  const sig = entity.signature;
  let literalInputs;
  try {
    // Local files are used in place (hashed for the cache); Arrow tables are written to the local data folder.
    const prepared = Object.values(sig.inputs).some(hasData)
      ? await (await import("../data/prepare.ts")).prepareValues(inputs, sig.inputs, entityPhrase(entity), "input", "reference")
      : inputs;
    literalInputs = toLiteralMap(prepared, sig.inputs, entityPhrase(entity), "input");
  } catch (err) {
    if (err instanceof FlyteError && err.code === "E_VALUE_TYPE") throw new FlyteError("E_INPUT_TYPE", err.message, { cause: err });
    throw err;
  }
  const engine = new Engine({
    runner: new InProcessTaskRunner(plan.tasks),
    launchPlans: localLaunchPlanResolver(plan.launchPlans, planOf),
    ...(options.maxParallelism !== undefined ? { maxParallelism: options.maxParallelism } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...((options.cache ?? localCacheEnabled()) ? { catalog: new DiskCatalog() } : {}),
    signals: new LocalSignalSource(entity, options.signals, options.askSignal),
    // Map tasks over a list a task offloaded read it back from the local data folder.
    offloadedLiterals: async (uri, size) => (await import("../data/offload.ts")).readOffloadedLiteral(uri, size, `${entityPhrase(entity)}: offloaded list`),
  });
  const result = await engine.execute({
    executionId: `l${randomHex(10).slice(0, 19)}`,
    closure: plan.closure,
    inputs: literalInputs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.overwriteCache === true ? { overwriteCache: true } : {}),
  });
  if (result.phase !== "SUCCEEDED") throw executionFailed(entity, result.phase, result.error);
  const outputs = hasOffloadedLiterals(result.outputs)
    ? await (await import("../data/offload.ts")).resolveOffloaded(result.outputs, `${entityPhrase(entity)} output`)
    : result.outputs;
  return shapeNativeOutputs(sig, fromLiteralMap(outputs, sig.outputs, entityPhrase(entity), "output"));
}

function executionFailed(entity: CallableEntity, phase: string, error: ExecutionError): FlyteError {
  const where = error.nodeId !== undefined ? ` at node ${error.nodeId}${error.taskName !== undefined ? ` (task '${error.taskName}')` : ""}` : "";
  const verb = phase === "ABORTED" ? "was aborted" : phase === "TIMED_OUT" ? "timed out" : "failed";
  const subject =
    entity instanceof TaskDefinition
      ? `task '${entity.name}'`
      : entity instanceof MapTaskDefinition
        ? `map task '${entity.name}'`
        : `workflow '${entity.name}'${where}`;
  return new FlyteError("E_EXECUTION_FAILED", `${subject} ${verb}: [${error.code}] ${error.message}`, { cause: error });
}

/** A one-node workflow around a task, so a task run alone gets retries, timeouts and events too. */
function singleTaskWorkflow(task: TaskDefinition | MapTaskDefinition): WorkflowDefinition {
  const sig = task.signature;
  const outputs: OutputsOption =
    sig.outputForm === "none"
      ? undefined
      : sig.outputForm === "single"
        ? sig.outputs["o0"]
        : sig.outputForm === "positional"
          ? sig.outputNames.map((n) => sig.outputs[n]!)
          : sig.outputs;
  return new WorkflowDefinition({ name: task.name, inputs: sig.inputs, outputs }, (inputs) => callEntity(task, [inputs]));
}

// Calls inside an eager body become child nodes of the eager task (eager-run.ts).
// In an isolate importing a script, the script's own top-level call is held (isolate/local-thread.ts).
setLocalRunner((entity, inputs) => eagerCall(entity, inputs) ?? heldCall() ?? runLocally(entity, inputs));
