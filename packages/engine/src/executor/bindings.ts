/**
 * Binding resolution: turns a node's bindings (constants, collections, maps, and promises on
 * upstream outputs) into the literal map the node runs with. Also builds the execution outputs
 * from the workflow's output bindings.
 */
import { create } from "@bufbuild/protobuf";
import {
  LiteralMapSchema,
  LiteralSchema,
  type Binding,
  type BindingData,
  type Literal,
  type LiteralMap,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { applyAttrPath } from "./attr-path.ts";
import { BindingResolutionError } from "./binding-resolution-error.ts";

/**
 * Looks up the outputs of a node that has succeeded, by fully qualified node id; `undefined`
 * when the node has not produced outputs (yet). The start node's outputs are the execution inputs.
 */
export type OutputsLookup = (nodeId: string) => LiteralMap | undefined;

/**
 * Resolves one binding to a literal. Promise results are shared with the upstream outputs, not
 * copied: literals are treated as immutable once produced.
 *
 * @throws BindingResolutionError when an upstream output is missing or an attribute path does not fit.
 * @example
 * const literal = resolveBinding(binding.binding, (id) => outputs.get(id));
 */
export function resolveBinding(data: BindingData, outputsOf: OutputsLookup): Literal {
  const value = data.value;
  switch (value.case) {
    case "promise": {
      const { var: name, attrPath } = value.value;
      // flytekit writes a workflow input as a promise with an empty node id; closures compiled
      // before the compiler named it `start-node` still carry it.
      const nodeId = value.value.nodeId === "" ? "start-node" : value.value.nodeId;
      const outputs = outputsOf(nodeId);
      if (outputs === undefined) {
        throw new BindingResolutionError(
          `node "${nodeId}" has no outputs to read "${name}" from (it has not succeeded, or does not exist).`,
        );
      }
      const literal = outputs.literals[name];
      if (literal === undefined) {
        throw new BindingResolutionError(
          `node "${nodeId}" has no output named "${name}"; it produced ${describeNames(outputs)}.`,
        );
      }
      return attrPath.length === 0 ? literal : applyAttrPath(literal, attrPath, `output "${name}" of node "${nodeId}"`);
    }
    case "scalar":
      return create(LiteralSchema, { value: { case: "scalar", value: value.value } });
    case "collection":
      return create(LiteralSchema, {
        value: {
          case: "collection",
          value: { literals: value.value.bindings.map((item) => resolveBinding(item, outputsOf)) },
        },
      });
    case "map": {
      const literals: Record<string, Literal> = {};
      for (const [key, item] of Object.entries(value.value.bindings)) {
        literals[key] = resolveBinding(item, outputsOf);
      }
      return create(LiteralSchema, { value: { case: "map", value: { literals } } });
    }
    case "offloadedMetadata":
      return create(LiteralSchema, { value: { case: "offloadedMetadata", value: value.value } });
    case undefined:
      throw new BindingResolutionError("the binding is empty (no scalar, collection, map or promise).");
  }
}

/**
 * Resolves a node's bindings into its input literal map, keyed by input variable.
 *
 * @throws BindingResolutionError naming the input variable that could not be resolved.
 * @example
 * const inputs = resolveBindings(node.inputs, (id) => outputs.get(id));
 */
export function resolveBindings(bindings: readonly Binding[], outputsOf: OutputsLookup): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (let i = 0; i < bindings.length; i++) {
    const binding = bindings[i] as Binding;
    if (binding.binding === undefined) {
      throw new BindingResolutionError(`input "${binding.var}": the binding has no data.`);
    }
    try {
      literals[binding.var] = resolveBinding(binding.binding, outputsOf);
    } catch (error) {
      if (error instanceof BindingResolutionError) {
        throw new BindingResolutionError(`input "${binding.var}": ${error.message}`);
      }
      throw error;
    }
  }
  return create(LiteralMapSchema, { literals });
}

function describeNames(outputs: LiteralMap): string {
  const names = Object.keys(outputs.literals);
  return names.length === 0 ? "no outputs" : `outputs ${names.map((n) => `"${n}"`).join(", ")}`;
}
