/**
 * A traced workflow as a flyteidl `WorkflowTemplate`, plus everything it references (task
 * templates, sub-workflow templates) so it can be compiled and registered as one unit.
 */
import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import {
  NodeMetadataSchema,
  NodeSchema,
  TaskNodeOverridesSchema,
  WorkflowMetadata_OnFailurePolicy,
  WorkflowTemplateSchema,
  type Node,
  type NodeMetadata,
  type WorkflowTemplate,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { NodeRecord, WorkflowBuilder } from "../builder.ts";
import type { CallableEntity } from "../entity.ts";
import { stableName } from "../naming.ts";
import { parseDuration } from "../duration-text.ts";
import { FlyteError } from "../errors.ts";
import { TaskDefinition } from "../task.ts";
import { WorkflowDefinition } from "../workflow.ts";
import { MapTaskDefinition } from "../map-task.ts";
import { arrayNodeOf } from "./array-node.ts";
import { ConditionalDefinition } from "../conditional.ts";
import { LaunchPlanDefinition } from "../launch-plan.ts";
import { branchNodeOf, innerNodesOf } from "./branch-node.ts";
import { launchPlansOf } from "./launch-plan-refs.ts";
import { failureNodeBuilder } from "../failure-handler.ts";
import { GateEntity } from "../gates.ts";
import { gateNodeOf } from "./gate-node.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";
import { resourceEntries, taskTemplateOf } from "./task-template.ts";

/** A workflow template with the templates it references, deduplicated by name. */
export interface WorkflowBundle {
  readonly primary: WorkflowTemplate;
  readonly subWorkflows: readonly WorkflowTemplate[];
  readonly tasks: readonly TaskTemplate[];
  /** The task definitions behind `tasks`, by task name (local runs call them). */
  readonly taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  /** Launch plans that launch-plan nodes (at any depth) refer to, by name. */
  readonly launchPlans: ReadonlyMap<string, LaunchPlanDefinition>;
}

/** Builds the template of `workflow` and collects what it references. */
export function workflowBundleOf(workflow: WorkflowDefinition, settings: SerializationSettings): WorkflowBundle {
  const tasks = new Map<string, TaskDefinition>();
  const subWorkflows = new Map<string, WorkflowTemplate>();
  const visiting = new Set<string>();
  const primary = templateOf(workflow, settings, tasks, subWorkflows, visiting);
  return {
    primary,
    subWorkflows: [...subWorkflows.values()],
    tasks: [...tasks.values()].map((t) => taskTemplateOf(t, settings)),
    taskDefinitions: tasks,
    launchPlans: launchPlansOf(workflow),
  };
}

function templateOf(
  workflow: WorkflowDefinition,
  settings: SerializationSettings,
  tasks: Map<string, TaskDefinition>,
  subWorkflows: Map<string, WorkflowTemplate>,
  visiting: Set<string>,
): WorkflowTemplate {
  if (visiting.has(workflow.name)) {
    throw new FlyteError("E_INVALID_DEFINITION", `workflow '${workflow.name}' calls itself (directly or through sub-workflows); recursion is not supported.`);
  }
  visiting.add(workflow.name);
  const traced = workflow.trace();
  const nodes = nodesOfBuilder(traced.builder, settings, tasks, subWorkflows, visiting);
  const failureBuilder = failureNodeBuilder(workflow);
  const failureNode = failureBuilder === undefined ? undefined : nodesOfBuilder(failureBuilder, settings, tasks, subWorkflows, visiting)[0];
  visiting.delete(workflow.name);
  return create(WorkflowTemplateSchema, {
    id: identifierOf("workflow", stableName(workflow), settings),
    metadata: {
      onFailure:
        workflow.failurePolicy === "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE"
          ? WorkflowMetadata_OnFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE
          : WorkflowMetadata_OnFailurePolicy.FAIL_IMMEDIATELY,
    },
    metadataDefaults: {},
    interface: typedInterfaceOf(workflow.name, workflow.signature),
    nodes,
    outputs: [...traced.outputs],
    ...(failureNode === undefined ? {} : { failureNode }),
  });
}

/**
 * The nodes a builder collected, as IDL, registering the tasks and sub-workflow templates they
 * use. Workflow bodies, dynamic bodies and eager calls all serialize their nodes through here.
 */
export function nodesOfBuilder(
  builder: WorkflowBuilder,
  settings: SerializationSettings,
  tasks: Map<string, TaskDefinition>,
  subWorkflows: Map<string, WorkflowTemplate>,
  visiting: Set<string> = new Set(),
): Node[] {
  return builder.nodes.map((node) => {
    // The nodes inside a conditional's branches reference tasks and workflows too.
    for (const record of [node, ...innerNodesOf(node)]) {
      registerEntity(record.entity, tasks);
      const sub = record.entity instanceof MapTaskDefinition ? record.entity.target : record.entity;
      if (sub instanceof WorkflowDefinition && !subWorkflows.has(sub.name)) {
        subWorkflows.set(sub.name, templateOf(sub, settings, tasks, subWorkflows, visiting));
      }
    }
    return nodeOf(node, settings);
  });
}

function registerEntity(entity: CallableEntity, tasks: Map<string, TaskDefinition>): void {
  if (entity instanceof MapTaskDefinition) {
    // A mapped task runs as its own template (the list interface); a mapped workflow is a sub-workflow.
    if (entity.item !== undefined) registerEntity(entity.item, tasks);
    return;
  }
  if (!(entity instanceof TaskDefinition)) return;
  const seen = tasks.get(entity.name);
  if (seen !== undefined && seen !== entity) {
    throw new FlyteError("E_DUPLICATE_NAME", `two different tasks are named '${entity.name}'; give one of them another name.`);
  }
  tasks.set(entity.name, entity);
}

function nodeOf(node: NodeRecord, settings: SerializationSettings): Node {
  const entity = node.entity;
  const base = {
    id: node.id,
    metadata: nodeMetadataOf(node),
    inputs: node.bindings,
    upstreamNodeIds: [...node.upstream],
  };
  if (entity instanceof GateEntity) return gateNodeOf(entity, base);
  if (entity instanceof TaskDefinition) {
    const o = node.overrides;
    const hasResources = o.requests !== undefined || o.limits !== undefined;
    return create(NodeSchema, {
      ...base,
      target: {
        case: "taskNode",
        value: {
          reference: { case: "referenceId", value: identifierOf("task", entity.name, settings) },
          overrides: create(TaskNodeOverridesSchema, {
            containerImage: o.image ?? "",
            ...(hasResources
              ? { resources: { requests: resourceEntries(o.requests ?? {}), limits: resourceEntries(o.limits ?? {}) } }
              : {}),
          }),
        },
      },
    });
  }
  if (entity instanceof MapTaskDefinition) return arrayNodeOf(node, entity, base, settings);
  if (entity instanceof ConditionalDefinition) return branchNodeOf(node, base.metadata, (inner) => nodeOf(inner, settings));
  if (entity instanceof LaunchPlanDefinition) {
    return create(NodeSchema, {
      ...base,
      target: {
        case: "workflowNode",
        value: { reference: { case: "launchplanRef", value: identifierOf("launchPlan", entity.name, settings) } },
      },
    });
  }
  if (entity instanceof WorkflowDefinition) {
    return create(NodeSchema, {
      ...base,
      target: {
        case: "workflowNode",
        value: { reference: { case: "subWorkflowRef", value: identifierOf("workflow", entity.name, settings) } },
      },
    });
  }
  throw new FlyteError("E_INVALID_DEFINITION", `node ${node.id}: cannot serialize a call of ${entity.kind} '${entity.name}'.`);
}

/** @internal The metadata of a node (name, retries, timeout, cache overrides); array nodes reuse it. */
export function nodeMetadataOf(node: NodeRecord): NodeMetadata {
  const o = node.overrides;
  const cache = o.cache;
  const cacheFields =
    cache === undefined
      ? {}
      : cache === false
        ? { cacheableValue: { case: "cacheable" as const, value: false } }
        : {
            cacheableValue: { case: "cacheable" as const, value: true },
            ...(cache !== true && cache.version !== undefined
              ? { cacheVersionValue: { case: "cacheVersion" as const, value: cache.version } }
              : node.entity instanceof TaskDefinition && !node.entity.options.cache.enabled
                ? // Caching switched on at the call site: the task's derived version, as `cache: true` on the task would use.
                  { cacheVersionValue: { case: "cacheVersion" as const, value: node.entity.derivedCacheVersion } }
                : {}),
            ...(cache !== true && cache.serialize !== undefined
              ? { cacheSerializableValue: { case: "cacheSerializable" as const, value: cache.serialize } }
              : {}),
          };
  return create(NodeMetadataSchema, {
    name: o.name ?? node.entity.name.split(".").at(-1) ?? node.entity.name,
    ...(o.retries !== undefined ? { retries: { retries: o.retries } } : {}),
    ...(o.timeout !== undefined ? { timeout: durationFromMs(parseDuration(o.timeout, `node ${node.id}: timeout`)) } : {}),
    ...cacheFields,
  });
}
