/**
 * Array nodes (map tasks and mapped launch plans). The node's interface comes from its inner node;
 * when `isOriginalSubNodeInterface` is set the inner interface is the per-item one, so every input
 * not listed in `boundInputs` and every output is lifted to a list. The inner node's own bindings
 * repeat the outer (list) bindings, so only their references are checked. When the success
 * criteria let items fail (`minSuccesses`, or `minSuccessRatio` below 1), failed items are none, so
 * lifted outputs are lists of optionals (a consumer that wants a plain list does not compile).
 */
import { create } from "@bufbuild/protobuf";
import type { ArrayNode, Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { VariableSchema, type Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralTypeSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { Scope } from "../diagnostics.ts";
import { unresolvedNode } from "./interface.ts";
import type { NodeEnv, ResolvedNode, Variables } from "./types.ts";

/** Resolves an array node through its inner node. */
export function compileArrayNode(node: Node, target: ArrayNode, scope: Scope, env: NodeEnv): ResolvedNode {
  const inner = target.node;
  if (inner === undefined) {
    scope.report("E_MISSING_TARGET", `array node '${node.id}' has no inner node to run for each item.`);
    return unresolvedNode(`node ${node.id} (array)`);
  }
  const innerScope = scope.child(`item node ${inner.id}`);
  const resolved = env.resolve(inner, innerScope);
  const lift = target.isOriginalSubNodeInterface === true;
  const bound = new Set(target.boundInputs);
  const inputs =
    resolved.inputs === undefined || !lift ? resolved.inputs : liftAll(resolved.inputs, (name) => !bound.has(name));
  let outputs: Variables | undefined | null = null;
  const result: ResolvedNode = {
    label: `node ${node.id} (array of ${resolved.label})`,
    inputs,
    inputCheck: inputs === undefined ? "references" : resolved.inputCheck,
    outputs() {
      if (outputs === null) {
        const per = resolved.outputs();
        outputs = per === undefined || !lift ? per : liftAll(per, () => true, allowsFailures(target));
      }
      return outputs;
    },
    checkInner(_scope, upstream) {
      env.checkNode(inner, { ...resolved, inputCheck: "references" }, innerScope, upstream);
    },
  };
  return resolved.optionalInputs === undefined ? result : { ...result, optionalInputs: resolved.optionalInputs };
}

function liftAll(vars: Variables, shouldLift: (name: string) => boolean, optional = false): Variables {
  const out: Record<string, Variable> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = shouldLift(name) ? listOf(v, optional) : v;
  return out;
}

/** Whether the node may succeed with some items failed. */
function allowsFailures(target: ArrayNode): boolean {
  const c = target.successCriteria;
  return c.case === "minSuccesses" || (c.case === "minSuccessRatio" && c.value < 1);
}

function listOf(v: Variable, optional: boolean): Variable {
  if (v.type === undefined) return v;
  const element = optional ? optionalOf(v.type) : v.type;
  return create(VariableSchema, {
    description: v.description,
    type: create(LiteralTypeSchema, { type: { case: "collectionType", value: element } }),
  });
}

function optionalOf(type: LiteralType): LiteralType {
  if (type.type.case === "unionType" && type.type.value.variants.some((v) => v.type.case === "simple" && v.type.value === SimpleType.NONE)) {
    return type;
  }
  const none = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.NONE }, structure: { tag: "none" } });
  return create(LiteralTypeSchema, { type: { case: "unionType", value: { variants: [type, none] } } });
}
