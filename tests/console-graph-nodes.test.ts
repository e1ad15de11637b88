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
