/**
 * Workflows of the durable benchmarks, registered through the API on top of the server's test
 * fixtures (whose `inc` task returns x + 1): a chain of `inc` nodes, and a fan of parallel ones.
 */
import type { Client } from "@connectrpc/connect";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { createLaunchPlan, idOf } from "../packages/server/src/testing/fixtures.ts";

const INT = { type: { case: "simple" as const, value: SimpleType.INTEGER } };
const promise = (nodeId: string, v: string) => ({ value: { case: "promise" as const, value: { nodeId, var: v } } });
const incNode = (id: string, from: ReturnType<typeof promise>) => ({
  id,
  inputs: [{ var: "x", binding: from }],
  target: { case: "taskNode" as const, value: { reference: { case: "referenceId" as const, value: idOf(ResourceType.TASK, "inc") } } },
});

async function register(admin: Client<typeof AdminService>, name: string, nodes: ReturnType<typeof incNode>[], output: string): Promise<void> {
  const id = idOf(ResourceType.WORKFLOW, name);
  await admin.createWorkflow({
    id,
    spec: {
      template: {
        id,
        interface: { inputs: { variables: { x: { type: INT } } }, outputs: { variables: { o0: { type: INT } } } },
        nodes,
        outputs: [{ var: "o0", binding: promise(output, "o0") }],
      },
    },
  });
  await createLaunchPlan(admin, name, name, {});
}

/** `name`: n0 → n1 → ... → n<length-1>, each inc of the previous; returns x + length. */
export function registerChain(admin: Client<typeof AdminService>, name: string, length: number): Promise<void> {
  const nodes = Array.from({ length }, (_, i) => incNode(`n${i}`, i === 0 ? promise("start-node", "x") : promise(`n${i - 1}`, "o0")));
  return register(admin, name, nodes, `n${length - 1}`);
}

/** `name`: `width` independent inc nodes of x; returns n0's output (x + 1). */
export function registerFan(admin: Client<typeof AdminService>, name: string, width: number): Promise<void> {
  const nodes = Array.from({ length: width }, (_, i) => incNode(`n${i}`, promise("start-node", "x")));
  return register(admin, name, nodes, "n0");
}
