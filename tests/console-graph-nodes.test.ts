// The execution page rebuilds its graph's nodes on every live update (new phases); the workflow's
// own shape is read once per workflow, so the graph keeps its edges and its layout.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { NodeExecutionSchema } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { NodeExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { graphNodesOf } from "../packages/console/src/graph/graph-nodes.ts";

const closure = create(CompiledWorkflowClosureSchema, {
  primary: {
    template: { nodes: [{ id: "start-node" }, { id: "n0" }, { id: "n1" }, { id: "end-node" }] },
    connections: { upstream: { n0: { ids: ["start-node"] }, n1: { ids: ["n0"] }, "end-node": { ids: ["n1"] } } },
  },
});

function liveWith(phase: NodeExecution_Phase) {
  const n0 = create(NodeExecutionSchema, { id: { nodeId: "n0" }, closure: { phase } });
  return { nodes: new Map([["n0", n0]]), maps: new Map(), sorted: [n0] };
}

test("live updates change the nodes' phases and keep the workflow's edges as they were", () => {
  const running = liveWith(NodeExecution_Phase.RUNNING);
  const first = graphNodesOf(closure, running, running.sorted, new Set());
  const done = liveWith(NodeExecution_Phase.SUCCEEDED);
  const next = graphNodesOf(closure, done, done.sorted, new Set());
  assert.deepEqual(first.edges, [["n0", "n1"]], "start and end left out");
  assert.deepEqual([first.nodes[0]?.phase, next.nodes[0]?.phase], ["RUNNING", "SUCCEEDED"]);
  assert.equal(next.edges, first.edges, "the same edges, not a copy read again from the workflow");
});

// A map node's own name is its generated map task's (`map_square_22e91ab4`); the graph shows the
// task (or workflow) it maps, and a name the author gave the node as it is.
test("a map node is labelled with the task or workflow it maps, not the generated map task name", () => {
  const mapOf = (own: string, inner: { case: "taskNode" | "workflowNode"; name: string }) => ({
    id: "n0",
    metadata: { name: own },
    target: {
      case: "arrayNode" as const,
      value: {
        node: {
          id: "n0",
          target:
            inner.case === "taskNode"
              ? { case: "taskNode" as const, value: { reference: { case: "referenceId" as const, value: { name: inner.name } } } }
              : { case: "workflowNode" as const, value: { reference: { case: "subWorkflowRef" as const, value: { name: inner.name } } } },
        },
      },
    },
  });
  const labels = (node: ReturnType<typeof mapOf>) => {
    const mapped = create(CompiledWorkflowClosureSchema, { primary: { template: { nodes: [node, { id: "n1", metadata: { name: "flows.square" } }] } } });
    return graphNodesOf(mapped, { nodes: new Map(), maps: new Map() }, [], new Set()).nodes.map((n) => n.label);
  };
  assert.deepEqual(labels(mapOf("flows.map_square_22e91ab4", { case: "taskNode", name: "flows.map_square_22e91ab4" })), ["n0 · square", "n1 · square"]);
  assert.deepEqual(labels(mapOf("map_report_city_0badcafe", { case: "workflowNode", name: "flows.report_city" })), ["n0 · report_city", "n1 · square"]);
  assert.deepEqual(labels(mapOf("squares", { case: "taskNode", name: "map_square_22e91ab4" })), ["n0 · squares", "n1 · square"]);
});
