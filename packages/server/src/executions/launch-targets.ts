/**
 * What an execution launches, looked up in the registry: a launch plan (its workflow's compiled
 * closure, expected inputs, fixed inputs and settings), or a task run on its own (FlyteAdmin's
 * single-task execution: a one-node workflow `.flytegen.<task>` is synthesized around it).
 * Also the engine's `LaunchPlanResolver`, so launch-plan nodes start real child executions.
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { compileWorkflow, formatDiagnostics, type CompiledWorkflowClosure, type LaunchPlanResolver, type ResolvedLaunchPlan } from "@flyte/engine";
import { LaunchPlanClosureSchema, LaunchPlanSpecSchema, type LaunchPlanSpec } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { IdentifierSchema, ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { ParameterMapSchema, ParameterSchema, type ParameterMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { WorkflowTemplateSchema } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { DecodedCache } from "../api/decoded-cache.ts";
import { deepFreeze } from "../api/deep-freeze.ts";
import { idText, invalidArgument, notFound } from "../api/errors.ts";
import { compiledClosureOf } from "../api/workflows.ts";
import type { RegistryStore } from "../registry/registry-store.ts";

/** Everything CreateExecution needs about what it launches. */
export interface LaunchTarget {
  /** `launch plan 'p/d/n@v'` or `task 'p/d/n@v'`, for messages. */
  readonly subject: string;
  /** The id as the execution spec records it (a launch plan's, or the task's for single-task runs). */
  readonly id: Identifier;
  readonly workflowId: Identifier;
  readonly closure: CompiledWorkflowClosure;
  readonly expectedInputs: ParameterMap;
  /** The launch plan's spec; absent for single-task executions. */
  readonly spec?: LaunchPlanSpec;
  /** `closure` as the registry stores it (encoded), so executions store it without encoding it. */
  readonly closureBytes?: Uint8Array;
}

/** Looks `id` up (a launch plan, or a task when its resource type is TASK); NOT_FOUND when missing. */
export function launchTargetOf(registry: RegistryStore, id: Identifier | undefined): LaunchTarget {
  if (id === undefined) throw invalidArgument("the execution spec has no launch_plan; set spec.launch_plan to the launch plan (or task) id to run");
  for (const field of ["project", "domain", "name", "version"] as const) {
    if (id[field] === "") throw invalidArgument(`spec.launch_plan has no ${field}; a launch plan id needs project, domain, name and version`);
  }
  return id.resourceType === ResourceType.TASK ? taskTarget(registry, id) : launchPlanTarget(registry, id);
}

/** Decoded launch plans by version, one cache per registry. */
const targetCaches = new WeakMap<RegistryStore, DecodedCache<LaunchTarget>>();

/**
 * A launch plan's target, decoded once per version: versions never change, and a client that
 * creates hundreds of executions a second of one launch plan had its workflow's closure decoded
 * for each (the largest protobuf cost of CreateExecution). The target is deep-frozen, as every
 * execution of the version shares it; `mergeExecutionInputs` copies the defaults it uses.
 */
function launchPlanTarget(registry: RegistryStore, id: Identifier): LaunchTarget {
  let cache = targetCaches.get(registry);
  if (cache === undefined) targetCaches.set(registry, (cache = new DecodedCache<LaunchTarget>()));
  const key = idText(id);
  const hit = cache.find(key);
  if (hit !== undefined) return hit;
  const { target, bytes } = loadLaunchPlanTarget(registry, id);
  return cache.keep(key, deepFreeze(target), bytes);
}

/** Reads and decodes a launch plan's target; `bytes`: the size of the rows it was decoded from. */
function loadLaunchPlanTarget(registry: RegistryStore, id: Identifier): { target: LaunchTarget; bytes: number } {
  const subject = `launch plan '${idText(id)}'`;
  const row = registry.getEntity("launchPlan", id);
  if (row === undefined) throw notFound(`${subject} is not registered; register it (flyte register) or check the name and version`);
  const spec = fromBinary(LaunchPlanSpecSchema, row.spec);
  const closureRow = fromBinary(LaunchPlanClosureSchema, row.closure);
  const wfId = spec.workflowId;
  const workflow = wfId === undefined ? undefined : registry.getEntity("workflow", wfId);
  if (wfId === undefined || workflow === undefined) {
    throw notFound(`${subject} refers to workflow '${wfId === undefined ? "?" : idText(wfId)}', which is not registered`);
  }
  const target: LaunchTarget = {
    subject,
    id: create(IdentifierSchema, { ...id, resourceType: ResourceType.LAUNCH_PLAN }),
    workflowId: create(IdentifierSchema, { ...wfId, resourceType: ResourceType.WORKFLOW }),
    closure: compiledClosureOf(workflow),
    expectedInputs: closureRow.expectedInputs ?? create(ParameterMapSchema),
    spec,
    closureBytes: workflow.closure,
  };
  return { target, bytes: row.spec.length + row.closure.length + workflow.closure.length };
}

/** FlyteAdmin's single-task execution: one node `n0` running the task, its interface the workflow's. */
function taskTarget(registry: RegistryStore, id: Identifier): LaunchTarget {
  const subject = `task '${idText(id)}'`;
  const row = registry.getEntity("task", id);
  const template = row === undefined ? undefined : fromBinary(TaskSpecSchema, row.spec).template;
  if (template === undefined) throw notFound(`${subject} is not registered; register it (flyte register) or check the name and version`);
  const taskInterface = template.interface;
  const workflowId = create(IdentifierSchema, { ...id, resourceType: ResourceType.WORKFLOW, name: `.flytegen.${id.name}` });
  const inputs = Object.keys(taskInterface?.inputs?.variables ?? {});
  const outputs = Object.keys(taskInterface?.outputs?.variables ?? {});
  const promise = (nodeId: string, variable: string) => ({ value: { case: "promise" as const, value: { nodeId, var: variable } } });
  const primary = create(WorkflowTemplateSchema, {
    id: workflowId,
    ...(taskInterface === undefined ? {} : { interface: taskInterface }),
    nodes: [
      {
        id: "n0",
        metadata: { name: id.name },
        inputs: inputs.map((name) => ({ var: name, binding: promise("start-node", name) })),
        target: { case: "taskNode", value: { reference: { case: "referenceId", value: template.id ?? id } } },
      },
    ],
    outputs: outputs.map((name) => ({ var: name, binding: promise("n0", name) })),
  });
  const compiled = compileWorkflow({ primary, tasks: [template] });
  if (!compiled.ok) throw invalidArgument(`${subject} cannot run on its own:\n${formatDiagnostics(compiled.diagnostics)}`);
  const parameters = Object.fromEntries(
    Object.entries(taskInterface?.inputs?.variables ?? {}).map(([name, variable]) => [
      name,
      create(ParameterSchema, { var: variable, behavior: { case: "required", value: true } }),
    ]),
  );
  return {
    subject,
    id: create(IdentifierSchema, { ...id, resourceType: ResourceType.TASK }),
    workflowId,
    closure: compiled.closure,
    expectedInputs: create(ParameterMapSchema, { parameters }),
  };
}

/** The defaults of a launch plan's expected inputs, as a literal map. */
export function defaultsOf(expected: ParameterMap | undefined): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, param] of Object.entries(expected?.parameters ?? {})) {
    if (param.behavior.case === "default") literals[name] = param.behavior.value;
  }
  return create(LiteralMapSchema, { literals });
}

/** The engine's resolver for launch-plan nodes, backed by the registry. */
export function registryLaunchPlanResolver(registry: RegistryStore): LaunchPlanResolver {
  return (id): ResolvedLaunchPlan | undefined => {
    let target: LaunchTarget;
    try {
      target = launchPlanTarget(registry, id);
    } catch {
      return undefined;
    }
    const resolved: { -readonly [K in keyof ResolvedLaunchPlan]: ResolvedLaunchPlan[K] } = {
      closure: target.closure,
      defaultInputs: defaultsOf(target.expectedInputs),
    };
    if (target.spec?.fixedInputs !== undefined) resolved.fixedInputs = target.spec.fixedInputs;
    if ((target.spec?.maxParallelism ?? 0) > 0) resolved.maxParallelism = target.spec?.maxParallelism as number;
    return resolved;
  };
}
