/**
 * Gate nodes: sleep (no data), signal (one output of a declared type) and approve (passes its
 * inputs through unchanged, so its outputs have the types of whatever it is bound to).
 */
import { create } from "@bufbuild/protobuf";
import type { GateNode, Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { VariableSchema, type Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { navigateAttrPath } from "../attr-path.ts";
import { Scope } from "../diagnostics.ts";
import { START_NODE_ID } from "../identifiers.ts";
import { unresolvedNode } from "./interface.ts";
import type { NodeEnv, ResolvedNode, Variables } from "./types.ts";

const NONE: Variables = Object.freeze({});

/** Resolves a gate node according to its condition. */
export function compileGateNode(node: Node, target: GateNode, scope: Scope, env: NodeEnv): ResolvedNode {
  const c = target.condition;
  switch (c.case) {
    case "sleep":
      return { label: `node ${node.id} (sleep gate)`, inputs: NONE, inputCheck: "typed", outputs: () => NONE };
    case "signal": {
      const label = `node ${node.id} (signal gate ${c.value.signalId})`;
      if (c.value.type === undefined) {
        scope.report("E_VALUE_REQUIRED", `signal gate '${node.id}' does not declare the type of the signal it waits for.`);
        return unresolvedNode(label);
      }
      if (c.value.outputVariableName === "") {
        scope.report("E_VALUE_REQUIRED", `signal gate '${node.id}' does not name the output that receives the signal.`);
        return unresolvedNode(label);
      }
      const outputs: Variables = { [c.value.outputVariableName]: create(VariableSchema, { type: c.value.type }) };
      return { label, inputs: NONE, inputCheck: "typed", outputs: () => outputs };
    }
    case "approve": {
      let outputs: Variables | undefined | null = null;
      return {
        label: `node ${node.id} (approval gate ${c.value.signalId})`,
        inputs: undefined,
        inputCheck: "references",
        outputs() {
          if (outputs === null) outputs = passThroughOutputs(node, env);
          return outputs;
        },
      };
    }
    case undefined:
      scope.report("E_MISSING_TARGET", `gate node '${node.id}' has no condition (sleep, signal or approve).`);
      return unresolvedNode(`node ${node.id} (gate)`);
  }
}

/** The approve gate's outputs: one per input, typed like the data bound to it when that is known. */
function passThroughOutputs(node: Node, env: NodeEnv): Variables {
  const out: Record<string, Variable> = {};
  // Problems with these references are reported when the bindings are checked; stay quiet here.
  const quiet = new Scope([], "");
  for (const binding of node.inputs) {
    const data = binding.binding?.value;
    let variable: Variable | undefined;
    if (data?.case === "promise") {
      const ref = data.value;
      const upstream = env.outputsOf(ref.nodeId === "" ? START_NODE_ID : ref.nodeId)?.[ref.var];
      if (upstream?.type !== undefined) {
        const nav = navigateAttrPath(upstream.type, ref.attrPath, quiet, "");
        if (nav.kind === "type") variable = create(VariableSchema, { type: nav.type });
      }
    }
    out[binding.var] = variable ?? create(VariableSchema, {});
  }
  return out;
}
