/**
 * A `mapTask(...)` call as a flyteidl `ArrayNode`, and the template of a mapped task.
 *
 * Mapped tasks follow flytekit: the inner node is a task node whose task is the subtask's
 * template renamed for the map, with `taskTypeVersion = 1` and the mapped interface (unbound
 * inputs and the output as lists; optional items when failures are allowed), so
 * `isOriginalSubNodeInterface` is false. Mapped workflows (beyond Flyte 1) keep the original
 * interface on their inner sub-workflow node (`isOriginalSubNodeInterface = true`) and the
 * compiler lifts it. Bound inputs are constant bindings listed in `boundInputs`.
 */
import { create } from "@bufbuild/protobuf";
import type { Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import {
  ArrayNode_DataMode,
  ArrayNode_ExecutionMode,
  ArrayNodeSchema,
  NodeSchema,
  TaskNodeOverridesSchema,
  type Node,
  type NodeMetadata,
} from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { NodeRecord } from "../builder.ts";
import type { MapTaskDefinition } from "../map-task.ts";
import { WorkflowDefinition } from "../workflow.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";
import { resourceEntries } from "./task-template.ts";

/** What every node shares, as built by the workflow serializer. */
export interface NodeBase {
  readonly id: string;
  readonly metadata: NodeMetadata;
  readonly inputs: readonly Binding[];
  readonly upstreamNodeIds: readonly string[];
}

/** The array node of a call of `map`. */
export function arrayNodeOf(node: NodeRecord, map: MapTaskDefinition, base: NodeBase, settings: SerializationSettings): Node {
  const inputs = [...base.inputs, ...map.boundBindings];
  const o = node.overrides;
  const hasResources = o.requests !== undefined || o.limits !== undefined;
  const isWorkflow = map.target instanceof WorkflowDefinition;
  const inner = create(NodeSchema, {
    id: node.id,
    metadata: base.metadata,
    inputs,
    target: isWorkflow
      ? { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: identifierOf("workflow", map.target.name, settings) } } }
      : {
          case: "taskNode",
          value: {
            reference: { case: "referenceId", value: identifierOf("task", map.name, settings) },
            overrides: create(TaskNodeOverridesSchema, {
              containerImage: o.image ?? "",
              ...(hasResources ? { resources: { requests: resourceEntries(o.requests ?? {}), limits: resourceEntries(o.limits ?? {}) } } : {}),
            }),
          },
        },
  });
  const criteria = map.criteria;
  return create(NodeSchema, {
    ...base,
    inputs,
    upstreamNodeIds: [...base.upstreamNodeIds],
    target: {
      case: "arrayNode",
      value: create(ArrayNodeSchema, {
        node: inner,
        parallelismOption: { case: "parallelism", value: map.concurrency },
        successCriteria:
          criteria.minSuccesses !== undefined
            ? { case: "minSuccesses", value: criteria.minSuccesses }
            : { case: "minSuccessRatio", value: criteria.minSuccessRatio },
        // Tasks keep minimal per-item state; sub-workflows need the full state of their nodes.
        executionMode: isWorkflow ? ArrayNode_ExecutionMode.FULL_STATE : ArrayNode_ExecutionMode.MINIMAL_STATE,
        isOriginalSubNodeInterface: isWorkflow,
        dataMode: ArrayNode_DataMode.SINGLE_INPUT_FILE,
        boundInputs: [...map.boundNames],
      }),
    },
  });
}

/** The template of a mapped task: the subtask's, renamed, with the mapped interface. */
export function mappedTaskTemplate(map: MapTaskDefinition, template: TaskTemplate): TaskTemplate {
  template.interface = typedInterfaceOf(map.name, map.templateSignature);
  template.taskTypeVersion = 1;
  return template;
}
