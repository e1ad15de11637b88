/**
 * Helpers shared by node compilers for turning a target's `TypedInterface` into a `ResolvedNode`.
 */
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { TypedInterface, Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { Scope } from "../diagnostics.ts";
import type { ResolvedNode, Variables } from "./types.ts";

const EMPTY: Variables = Object.freeze({});

/** A node whose target could not be resolved: only references are checked, outputs are unknown. */
export function unresolvedNode(label: string): ResolvedNode {
  return { label, inputs: undefined, inputCheck: "references", outputs: () => undefined };
}

/**
 * The resolved form of a node whose target has a fixed interface (tasks, sub-workflows, launch
 * plans). Output aliases rename outputs as downstream nodes see them.
 */
export function fixedInterfaceNode(
  node: Node,
  label: string,
  iface: TypedInterface | undefined,
  scope: Scope,
  optionalInputs?: ReadonlySet<string>,
): ResolvedNode {
  const inputs = iface?.inputs?.variables ?? EMPTY;
  const outputs = applyAliases(node, iface?.outputs?.variables ?? EMPTY, label, scope);
  const resolved: ResolvedNode = { label, inputs, inputCheck: "typed", outputs: () => outputs };
  return optionalInputs === undefined ? resolved : { ...resolved, optionalInputs };
}

/** Renames outputs per `node.outputAliases`; bad aliases are reported and ignored. */
export function applyAliases(node: Node, outputs: Variables, label: string, scope: Scope): Variables {
  if (node.outputAliases.length === 0) return outputs;
  const aliasOf = new Map<string, string>();
  for (const alias of node.outputAliases) {
    const at = scope.child(`alias ${alias.var}`);
    if (outputs[alias.var] === undefined) {
      at.report("E_DUPLICATE_ALIAS", `the alias '${alias.alias}' renames output '${alias.var}', but ${label} has no such output.`);
    } else if (aliasOf.has(alias.var)) {
      at.report("E_DUPLICATE_ALIAS", `output '${alias.var}' of ${label} is aliased more than once.`);
    } else {
      aliasOf.set(alias.var, alias.alias);
    }
  }
  // A renamed output is only reachable under its alias.
  const renamed: Record<string, Variable> = {};
  for (const [name, variable] of Object.entries(outputs)) renamed[aliasOf.get(name) ?? name] = variable;
  return renamed;
}
