/**
 * The one call handler of every entity: checks the single object of named inputs, then either
 * adds a node (inside a workflow body being traced) or runs the entity locally (anywhere else).
 */
import { create } from "@bufbuild/protobuf";
import { BindingSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { bindValue } from "./bind.ts";
import { currentBuilder, type WorkflowBuilder } from "./builder.ts";
import { attachDefinition, entityPhrase, type CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import { makeHandle } from "./handles.ts";
import { NodePromise } from "./promise.ts";
import { isPlainObject } from "./signature.ts";
import { defaultValueOf, isOptionalInput } from "./types/index.ts";

/** Runs an entity outside any workflow body; set by the local runner to avoid an import cycle. */
let localRunner: ((entity: CallableEntity, inputs: Record<string, unknown>) => Promise<unknown>) | undefined;

/** @internal Installs the local runner. */
export function setLocalRunner(run: (entity: CallableEntity, inputs: Record<string, unknown>) => Promise<unknown>): void {
  localRunner = run;
}

/**
 * The function users hold for `definition`: every call goes through {@link callEntity}, and its
 * `name` follows the definition's (the loader may rename an unnamed entity). `check` runs first,
 * for checks only one kind of entity has (a launch plan's fixed inputs).
 */
export function callableFor(definition: CallableEntity, check?: (args: readonly unknown[]) => void): (...args: unknown[]) => unknown {
  const call = (...args: unknown[]): unknown => {
    check?.(args);
    return callEntity(definition, args);
  };
  Object.defineProperty(call, "name", { get: () => definition.name });
  return attachDefinition(call, definition);
}

/** Handles a call of `entity` with the arguments the user passed. */
export function callEntity(entity: CallableEntity, args: readonly unknown[]): unknown {
  const inputs = checkCallInputs(entity, args);
  const builder = currentBuilder();
  if (builder !== undefined) return addCallNode(builder, entity, inputs);
  if (localRunner === undefined) throw new Error("flytekit: local runner not installed");
  return localRunner(entity, inputs);
}

/** Checks the shape of a call: one plain object whose keys are known inputs, all required inputs present. */
export function checkCallInputs(entity: CallableEntity, args: readonly unknown[]): Record<string, unknown> {
  const what = `${entity.kind} '${entity.name}'`;
  const sig = entity.signature;
  const example = `{ ${sig.inputNames.map((n) => `${n}: ...`).join(", ")} }`;
  if (args.length === 0) {
    args = [{}];
  }
  const [inputs] = args;
  if (args.length !== 1 || !isPlainObject(inputs)) {
    throw new FlyteError(
      "E_POSITIONAL_ARGS",
      `${what} takes one object of named inputs, e.g. ${entity.name}(${example}); got ${describeArgs(args)}.`,
    );
  }
  for (const key of Object.keys(inputs)) {
    if (!(key in sig.inputs)) {
      const known = sig.inputNames.length > 0 ? sig.inputNames.join(", ") : "none";
      throw new FlyteError("E_UNKNOWN_INPUT", `${what} has no input '${key}'; its inputs are: ${known}.`);
    }
  }
  for (const name of sig.inputNames) {
    const schema = sig.inputs[name];
    if (schema !== undefined && inputs[name] === undefined && !isOptionalInput(schema)) {
      throw new FlyteError(
        "E_MISSING_INPUT",
        `${what} is missing required input '${name}'; pass it as ${entity.name}(${example}) or give the input a .default().`,
      );
    }
  }
  return inputs;
}

function describeArgs(args: readonly unknown[]): string {
  if (args.length !== 1) return `${args.length} arguments`;
  const [a] = args;
  return Array.isArray(a) ? "an array" : a === null ? "null" : typeof a === "object" ? "a non-plain object" : `a ${typeof a}`;
}

function addCallNode(builder: WorkflowBuilder, entity: CallableEntity, inputs: Record<string, unknown>): unknown {
  const sig = entity.signature;
  const node = builder.addNode(entity);
  for (const name of sig.inputNames) {
    const schema = sig.inputs[name];
    if (schema === undefined) continue;
    let value = inputs[name];
    if (value === undefined) {
      const fallback = defaultValueOf(schema);
      if (fallback.has) value = fallback.value;
    }
    const binding = bindValue(
      value,
      schema,
      { entity: entityPhrase(entity), side: "input", variable: name, label: `input '${name}' of ${entity.kind} '${entity.name}' (node ${node.id})` },
      builder,
      node.upstream,
    );
    node.bindings.push(create(BindingSchema, { var: name, binding }));
  }
  const promises = sig.outputNames.map(
    (variable) =>
      new NodePromise<unknown>({
        nodeId: node.id,
        variable,
        schema: sig.outputs[variable]!,
        node,
        label: `output '${variable}' of node ${node.id} (${entity.name})`,
      }),
  );
  return makeHandle(node, sig.outputForm, promises, sig.outputNames);
}
