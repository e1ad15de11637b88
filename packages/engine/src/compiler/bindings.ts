/**
 * Checks the bindings of a node's inputs (or of a workflow's outputs): names, multiplicity,
 * promise references and types. Every promise target is recorded as a data dependency.
 */
import type { Binding, BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType, type LiteralType, type OutputReference } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { Scope, type Diagnostic } from "./diagnostics.ts";
import { START_NODE_ID } from "./identifiers.ts";
import { isCastable } from "./castable.ts";
import { scalarFits } from "./literal-fit.ts";
import { attrText, navigateAttrPath } from "./attr-path.ts";
import { bindingKindText, typeText } from "./type-text.ts";
import type { InputCheck, NodeEnv, Variables } from "./nodes/types.ts";

/** Node lookups a binding check needs. */
export type RefLookup = Pick<NodeEnv, "outputsOf" | "labelOf">;

/** What a list of bindings is checked against. */
export interface BindingTarget {
  /** Whose bindings these are, for messages: `node n1 (task add)`, `workflow my_wf`. */
  readonly owner: string;
  /** `input` for node inputs; `output` for a workflow's outputs (different codes and wording). */
  readonly role: "input" | "output";
  readonly params: Variables | undefined;
  readonly check: InputCheck;
  readonly optional?: ReadonlySet<string> | undefined;
}

/** Checks `bindings` against `target`; promise targets are added to `upstream`. */
export function checkBindings(
  bindings: readonly Binding[],
  target: BindingTarget,
  scope: Scope,
  refs: RefLookup,
  upstream: Set<string>,
): void {
  const typed = target.check === "typed" && target.params !== undefined;
  const seen = new Set<string>();
  for (const binding of bindings) {
    const name = binding.var;
    const at = scope.child(`${target.role} ${name}`);
    if (seen.has(name)) {
      at.report("E_PARAMETER_BOUND_TWICE", `${target.role} '${name}' of ${target.owner} is bound more than once.`);
      continue;
    }
    seen.add(name);
    let expected: LiteralType | undefined;
    if (typed) {
      const param = target.params?.[name];
      if (param === undefined) {
        const known = Object.keys(target.params ?? {}).sort();
        const list = known.length === 0 ? "it has none" : `it has ${known.join(", ")}`;
        if (target.role === "output") {
          at.report("E_UNKNOWN_OUTPUT", `${target.owner} binds output '${name}', which it does not declare (${list}).`);
        } else {
          at.report("E_VARIABLE_NOT_FOUND", `${target.owner} has no input '${name}' (${list}).`);
        }
        // Still follow promises so dependencies and dangling references are reported.
      } else {
        expected = param.type;
      }
    }
    const data = binding.binding;
    if (data === undefined) {
      at.report("E_INVALID_BINDING", `${target.role} '${name}' of ${target.owner} has a binding without a value.`);
      continue;
    }
    checkBindingData(data, expected, { at, refs, upstream, what: `${target.role} '${name}' of ${target.owner}` });
  }
  if (!typed || target.params === undefined) return;
  for (const name of Object.keys(target.params).sort()) {
    if (seen.has(name) || target.optional?.has(name) === true) continue;
    // Flyte's compiler lets an input of an Optional type go unbound (it reads as none).
    if (target.role === "input" && isOptionalType(target.params[name]?.type)) continue;
    const type = typeText(target.params[name]?.type);
    if (target.role === "output") {
      scope.child(`output ${name}`).report("E_OUTPUT_NOT_BOUND", `output '${name}' (${type}) of ${target.owner} is declared but never bound.`);
    } else {
      scope.child(`input ${name}`).report("E_PARAMETER_NOT_BOUND", `input '${name}' (${type}) of ${target.owner} is not bound.`);
    }
  }
}

interface DataCtx {
  readonly at: Scope;
  readonly refs: RefLookup;
  readonly upstream: Set<string>;
  /** What is being bound, for messages: `input 'x' of node n1 (task add)`. */
  readonly what: string;
}

/** Checks one binding value against `expected` (no type checks when `expected` is undefined). */
export function checkBindingData(data: BindingData, expected: LiteralType | undefined, ctx: DataCtx): void {
  const v = data.value;
  switch (v.case) {
    case undefined:
      ctx.at.report("E_INVALID_BINDING", `${ctx.what} is bound to nothing.`);
      return;
    case "promise":
      checkPromise(v.value, expected, ctx);
      return;
    case "scalar": {
      if (expected === undefined) return;
      const fit = scalarFits(v.value, expected);
      if (!fit.ok) ctx.at.report(fit.code, `${ctx.what} expects ${typeText(expected)}, but ${fit.message}.`);
      return;
    }
    case "offloadedMetadata": {
      const inferred = v.value.inferredType;
      if (expected !== undefined && inferred !== undefined && !isCastable(inferred, expected)) {
        ctx.at.report(
          "E_MISMATCHING_TYPES",
          `${ctx.what} expects ${typeText(expected)}, but the offloaded literal has type ${typeText(inferred)}.`,
        );
      }
      return;
    }
    case "collection":
    case "map":
      if (expected?.type.case === "unionType") {
        checkContainerAgainstUnion(data, expected, ctx);
        return;
      }
      checkContainer(data, expected, ctx);
      return;
  }
}

/** A list or map of bindings: element by element against the element type. */
function checkContainer(data: BindingData, expected: LiteralType | undefined, ctx: DataCtx): void {
  const v = data.value;
  const e = expected?.type;
  if (v.case === "collection") {
    const elem = e?.case === "collectionType" ? e.value : undefined;
    if (expected !== undefined && elem === undefined) {
      ctx.at.report("E_MISMATCHING_TYPES", `${ctx.what} expects ${typeText(expected)}, but is bound to ${bindingKindText(data)}.`);
    }
    v.value.bindings.forEach((item, i) => {
      checkBindingData(item, elem, { ...ctx, at: ctx.at.child(`[${i}]`), what: `item [${i}] of ${ctx.what}` });
    });
  } else if (v.case === "map") {
    const elem = e?.case === "mapValueType" ? e.value : undefined;
    if (expected !== undefined && elem === undefined) {
      ctx.at.report("E_MISMATCHING_TYPES", `${ctx.what} expects ${typeText(expected)}, but is bound to ${bindingKindText(data)}.`);
    }
    for (const key of Object.keys(v.value.bindings).sort()) {
      const item = v.value.bindings[key];
      if (item === undefined) continue;
      checkBindingData(item, elem, { ...ctx, at: ctx.at.child(`[${JSON.stringify(key)}]`), what: `entry ${JSON.stringify(key)} of ${ctx.what}` });
    }
  }
}

/**
 * A list or map bound to a union input must fit exactly one variant. Each variant is tried
 * quietly; if none fits and exactly one variant has the right shape, its problems are reported as
 * the most useful explanation.
 */
function checkContainerAgainstUnion(data: BindingData, expected: LiteralType, ctx: DataCtx): void {
  const variants = expected.type.case === "unionType" ? expected.type.value.variants : [];
  const trials = variants.map((variant) => {
    const sink: Diagnostic[] = [];
    const quiet = new Scope(sink, ctx.at.path, ctx.at.nodeId);
    checkContainer(data, variant, { ...ctx, at: quiet });
    return { variant, sink };
  });
  const fitting = trials.filter((t) => t.sink.length === 0);
  if (fitting.length === 1) return;
  if (fitting.length > 1) {
    ctx.at.report(
      "E_MISMATCHING_TYPES",
      `${ctx.what} expects ${typeText(expected)}, and ${bindingKindText(data)} fits more than one variant (${fitting.map((t) => typeText(t.variant)).join(", ")}).`,
    );
    return;
  }
  const shape = data.value.case === "collection" ? "collectionType" : "mapValueType";
  const sameShape = trials.filter((t) => t.variant.type.case === shape);
  const only = sameShape.length === 1 ? sameShape[0] : undefined;
  if (only !== undefined) {
    // Re-run loudly so the diagnostics land in the real sink.
    checkContainer(data, only.variant, ctx);
    return;
  }
  // Still walk the bindings for dependencies and dangling references.
  checkContainer(data, undefined, ctx);
  ctx.at.report("E_MISMATCHING_TYPES", `${ctx.what} expects ${typeText(expected)}, but ${bindingKindText(data)} fits none of its variants.`);
}

function checkPromise(ref: OutputReference, expected: LiteralType | undefined, ctx: DataCtx): void {
  // Flyte reads an empty node id as the workflow's inputs.
  const nodeId = ref.nodeId === "" ? START_NODE_ID : ref.nodeId;
  const outputs = ctx.refs.outputsOf(nodeId);
  const source = nodeId === START_NODE_ID ? `workflow input '${ref.var}'` : `output '${ref.var}' of ${ctx.refs.labelOf(nodeId)}`;
  if (outputs === undefined) {
    ctx.at.report("E_NODE_NOT_FOUND", `${ctx.what} refers to node '${nodeId}', which does not exist in this workflow.`);
    return;
  }
  ctx.upstream.add(nodeId);
  if (outputs === null) return;
  const variable = outputs[ref.var];
  if (variable === undefined) {
    const known = Object.keys(outputs).sort();
    const owner = nodeId === START_NODE_ID ? "the workflow has no input" : `${ctx.refs.labelOf(nodeId)} has no output`;
    ctx.at.report(
      "E_VARIABLE_NOT_FOUND",
      `${ctx.what} refers to '${ref.var}', but ${owner} of that name (${known.length === 0 ? "there are none" : `known: ${known.join(", ")}`}).`,
    );
    return;
  }
  if (expected === undefined || variable.type === undefined) return;
  let sourceType = variable.type;
  let sourceText = source;
  if (ref.attrPath.length > 0) {
    sourceText = `${source} at ${ref.attrPath.map(attrText).join("")}`;
    const nav = navigateAttrPath(variable.type, ref.attrPath, ctx.at, source);
    if (nav.kind !== "type") return;
    sourceType = nav.type;
  }
  if (!isCastable(sourceType, expected)) {
    const intForFloat = isSimple(sourceType, SimpleType.INTEGER) && isSimple(expected, SimpleType.FLOAT);
    const hint = intForFloat ? " Integers are not converted to floats; change one of the two types." : "";
    ctx.at.report(
      "E_MISMATCHING_TYPES",
      `${ctx.what} expects ${typeText(expected)}, but is bound to ${sourceText}, which has type ${typeText(sourceType)}.${hint}`,
    );
  }
}

/**
 * Whether `type` is Optional: a union with a `NONE` variant, as Flyte's `IsOptionalType`. Such an
 * input may be left unbound.
 */
export function isOptionalType(type: LiteralType | undefined): boolean {
  return type?.type.case === "unionType" && type.type.value.variants.some((v) => isSimple(v, SimpleType.NONE));
}

function isSimple(t: LiteralType, s: SimpleType): boolean {
  return t.type.case === "simple" && t.type.value === s;
}
