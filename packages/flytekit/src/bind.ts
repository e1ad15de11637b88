/**
 * Turns what a call site passes (constants, promises, and lists/maps mixing both) into IDL
 * `BindingData`, checking constants against the input's schema as it goes.
 */
import { create } from "@bufbuild/protobuf";
import {
  BindingDataSchema,
  type BindingData,
  type Literal,
} from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { OutputReferenceSchema } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { z } from "zod";
import type { WorkflowBuilder } from "./builder.ts";
import { FlyteError } from "./errors.ts";
import { isHandle } from "./handles.ts";
import { NodePromise, isNodePromise } from "./promise.ts";
import { isPlainObject } from "./signature.ts";
import { transformerFor } from "./types/index.ts";
import { listElement, mapValue } from "./zod-shape.ts";

/** What is being bound, for messages: "input 'a' of t1 (node n2)" or "output 'o0' of workflow my_wf". */
export interface BindTarget {
  /** The entity as messages name it, e.g. "task 't1'" (see entityPhrase). */
  readonly entity: string;
  readonly side: "input" | "output";
  readonly variable: string;
  readonly label: string;
}

/**
 * Binds `value` to a variable of type `schema`. Promise dependencies are added to `upstream`
 * (workflow inputs are not nodes and are not added).
 */
export function bindValue(
  value: unknown,
  schema: z.ZodType,
  target: BindTarget,
  builder: WorkflowBuilder,
  upstream: Set<string> | undefined,
): BindingData {
  if (isNodePromise(value)) return bindPromise(value, target, builder, upstream);
  if (isHandle(value)) {
    throw new FlyteError(
      "E_PROMISE_MISUSE",
      `${target.label} received the whole result of a call; pass one of its outputs (destructure it), or use runsBefore() for a node without outputs.`,
    );
  }
  if (containsPromise(value)) {
    const element = listElement(schema);
    if (Array.isArray(value) && element !== undefined) {
      const bindings = value.map((item, i) =>
        bindValue(item, element, { ...target, label: `${target.label}[${i}]` }, builder, upstream),
      );
      return create(BindingDataSchema, { value: { case: "collection", value: { bindings } } });
    }
    const valueSchema = mapValue(schema);
    if (isPlainObject(value) && valueSchema !== undefined) {
      const bindings: Record<string, BindingData> = {};
      for (const [key, item] of Object.entries(value)) {
        bindings[key] = bindValue(item, valueSchema, { ...target, label: `${target.label}.${key}` }, builder, upstream);
      }
      return create(BindingDataSchema, { value: { case: "map", value: { bindings } } });
    }
    throw new FlyteError(
      "E_INPUT_TYPE",
      `${target.label}: promises can be mixed with constants only in lists (z.array) and maps (z.record); this ${target.side} is neither.`,
    );
  }
  return bindingFromLiteral(constantLiteral(value, schema, target));
}

function bindPromise(
  promise: NodePromise<unknown>,
  target: BindTarget,
  builder: WorkflowBuilder,
  upstream: Set<string> | undefined,
): BindingData {
  const ref = NodePromise.refOf(promise);
  if (ref.node !== undefined && !builder.sees(ref.node.builder)) {
    throw new FlyteError(
      "E_PROMISE_MISUSE",
      `${target.label} received ${ref.label} from workflow '${ref.node.builder.workflowName}'; a promise can only be used in the body that created it.`,
    );
  }
  if (ref.node !== undefined) upstream?.add(ref.nodeId);
  return create(BindingDataSchema, {
    value: { case: "promise", value: create(OutputReferenceSchema, { nodeId: ref.nodeId, var: ref.variable }) },
  });
}

/** Converts a constant, re-labelling type errors with the call site. */
function constantLiteral(value: unknown, schema: z.ZodType, target: BindTarget): Literal {
  try {
    return transformerFor(schema, { entity: target.entity, side: target.side, variable: target.variable }).toLiteral(
      value,
      { entity: target.entity, side: target.side, variable: target.variable },
    );
  } catch (err) {
    if (err instanceof FlyteError && err.code === "E_VALUE_TYPE") {
      throw new FlyteError("E_INPUT_TYPE", `${target.label}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** Re-expresses a literal as binding data (scalars stay scalars; lists and maps become binding collections). */
export function bindingFromLiteral(literal: Literal): BindingData {
  const v = literal.value;
  switch (v.case) {
    case "scalar":
      return create(BindingDataSchema, { value: { case: "scalar", value: v.value } });
    case "collection":
      return create(BindingDataSchema, {
        value: { case: "collection", value: { bindings: v.value.literals.map(bindingFromLiteral) } },
      });
    case "map": {
      const bindings: Record<string, BindingData> = {};
      for (const [k, item] of Object.entries(v.value.literals)) bindings[k] = bindingFromLiteral(item);
      return create(BindingDataSchema, { value: { case: "map", value: { bindings } } });
    }
    default:
      throw new FlyteError("E_INPUT_TYPE", `cannot bind a literal of kind ${String(v.case)} as a constant.`);
  }
}

function containsPromise(value: unknown): boolean {
  if (isNodePromise(value) || isHandle(value)) return true;
  if (Array.isArray(value)) return value.some(containsPromise);
  if (isPlainObject(value)) return Object.values(value).some(containsPromise);
  return false;
}
