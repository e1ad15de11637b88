/**
 * Building a `DynamicJobSpec` from code that calls entities: the body of a dynamic task (run at
 * execution time on real inputs), or one call an eager task awaits. The calls are traced with a
 * builder, exactly as in a workflow body, and serialized with the workflow serializer, so the
 * engine compiles and runs the result like any workflow.
 */
import { create } from "@bufbuild/protobuf";
import { DynamicJobSpecSchema, type DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { BindingSchema, type Binding, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { bindValue } from "./bind.ts";
import { WorkflowBuilder, withBuilder } from "./builder.ts";
import type { CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { isHandle } from "./handles.ts";
import { outputsToRecord } from "./outputs.ts";
import { LOCAL_SETTINGS, type SerializationSettings } from "./serialize/settings.ts";
import { taskTemplateOf } from "./serialize/task-template.ts";
import { nodesOfBuilder } from "./serialize/workflow-template.ts";
import type { TaskDefinition } from "./task.ts";
import { toLiteralMap } from "./types/index.ts";
import { hasData } from "./types/blob.ts";

/** What running a graph-building body produced. */
export type JobSpecResult =
  /** The body called nothing: its outputs are plain values. */
  | { readonly kind: "outputs"; readonly outputs: LiteralMap }
  /**
   * The body called nothing and returned data values (local paths, streams, Arrow tables) that
   * must be written to the store before they are encoded: the caller does that asynchronously.
   */
  | { readonly kind: "values"; readonly record: Record<string, unknown> }
  /** The body built a graph; `definitions` are the tasks it uses, by name, for in-process runners. */
  | { readonly kind: "spec"; readonly spec: DynamicJobSpec; readonly definitions: ReadonlyMap<string, TaskDefinition> };

/**
 * Runs `body` with a builder whose node ids start with `prefix` and turns what it built and
 * returned into a job spec. `owner` names the entity whose outputs the body returns.
 */
export function buildJobSpec(
  owner: CallableEntity,
  prefix: string,
  body: () => unknown,
  settings: SerializationSettings,
  what: string,
): JobSpecResult {
  const builder = new WorkflowBuilder(owner.name, prefix);
  const returned = withBuilder(builder, body);
  if (typeof (returned as { then?: unknown } | undefined)?.then === "function") {
    throw new FlyteError(
      "E_ASYNC_WORKFLOW_BODY",
      `${what}: the body must be synchronous — it builds a graph, and calls return promises, not values. To await real values, use eager() instead.`,
    );
  }
  const sig = owner.signature;
  const record = outputsToRecord(owner, sig.outputForm === "none" && isHandle(returned) ? undefined : returned);
  if (builder.nodes.length === 0) {
    if (Object.values(sig.outputs).some(hasData)) return { kind: "values", record };
    return { kind: "outputs", outputs: toLiteralMap(record, sig.outputs, what, "output") };
  }
  const outputs: Binding[] = sig.outputNames.map((name) => {
    const label = `output '${name}' of ${what}`;
    if (!(name in record)) throw new FlyteError("E_OUTPUT_BINDING", `${label} is not returned by the body; return it.`);
    const binding = bindValue(record[name], sig.outputs[name]!, { entity: what, side: "output", variable: name, label }, builder, undefined);
    return create(BindingSchema, { var: name, binding });
  });
  const tasks = new Map<string, TaskDefinition>();
  const subWorkflows = new Map<string, WorkflowTemplate>();
  const nodes = nodesOfBuilder(builder, settings, tasks, subWorkflows);
  const spec = create(DynamicJobSpecSchema, {
    nodes,
    outputs,
    tasks: [...tasks.values()].map((t) => taskTemplateOf(t, settings)),
    subworkflows: [...subWorkflows.values()],
    minSuccesses: BigInt(nodes.length),
  });
  return { kind: "spec", spec, definitions: tasks };
}

/** Settings matching the identifiers of the task that builds a spec (so ids agree with registration). */
export function settingsOf(taskId: Identifier | undefined): SerializationSettings {
  if (taskId === undefined) return LOCAL_SETTINGS;
  return { project: taskId.project, domain: taskId.domain, version: taskId.version };
}
