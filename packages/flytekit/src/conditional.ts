/**
 * `conditional(name)`: if / elif / else inside a workflow body. The whole chain is ONE node of the
 * workflow (a flyteidl `BranchNode`); each `then` runs exactly one call — a task, a workflow, a
 * launch plan or a nested conditional — whose node id is prefixed by the conditional's
 * (`n1-n0`, `n1-n1`, ... numbered across all branches, as flytekit does). The conditional's
 * outputs are those every `then` branch has (`fail` branches excluded); one branch without
 * outputs makes it output nothing.
 */
import type { Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { BooleanExpression as IdlBooleanExpression } from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import type { z } from "zod";
import { WorkflowBuilder, currentBuilder, withBuilder, type NodeRecord } from "./builder.ts";
import type { CallableEntity } from "./entity.ts";
import { FlyteError } from "./errors.ts";
import type { BooleanExpression } from "./expressions.ts";
import { makeHandle } from "./handles.ts";
import { NodePromise } from "./promise.ts";
import { checkCondition, conditionToIdl } from "./serialize/condition.ts";
import type { OutputForm, Signature } from "./signature.ts";

/** One `if` / `elif` branch: its condition and the node it runs. */
export interface ConditionalCase {
  readonly expression: IdlBooleanExpression;
  readonly node: NodeRecord;
}

/** How the chain ends: a node to run, or a failure message. */
export type ConditionalElse = { readonly kind: "node"; readonly node: NodeRecord } | { readonly kind: "fail"; readonly message: string };

/** The definition behind a conditional's node (it is an entity only to the builder and serializer). */
export class ConditionalDefinition implements CallableEntity {
  readonly kind = "conditional" as const;
  name: string;
  readonly nameIsExplicit = true;
  signature: Signature = { inputs: {}, inputNames: [], outputs: {}, outputNames: [], outputForm: "none" };
  readonly cases: ConditionalCase[] = [];
  /** Branch-node inputs: one per promise the conditions read (`n0.o0`). */
  readonly inputs = new Map<string, Binding>();
  elseBranch: ConditionalElse | undefined;

  constructor(name: string) {
    this.name = name;
  }
}

/** Type of a conditional's result: what its `then` branches return. */
export type ConditionalResult<R> = [R] extends [never] ? undefined : R;

/** After `conditional(name)`: the first branch. */
export interface ConditionalStart {
  /** The first condition; its branch runs when it holds. */
  if(condition: BooleanExpression): ConditionalThen<never>;
}

/** After `.if(c)` or `.elif(c)`: what the branch runs. */
export interface ConditionalThen<R> {
  /** The branch: a function that makes exactly one call and returns what it returns. */
  then<T>(branch: () => T): ConditionalMore<R | T>;
}

/** After a `then`: more branches, or the else branch (required). */
export interface ConditionalMore<R> {
  /** Another condition, tried when the previous ones do not hold. */
  elif(condition: BooleanExpression): ConditionalThen<R>;
  /** What happens when no condition holds. */
  else(): ConditionalOtherwise<R>;
}

/** The else branch: run one call, or fail the workflow. */
export interface ConditionalOtherwise<R> {
  /** Runs `branch` (one call) when no condition holds; returns the conditional's outputs. */
  then<T>(branch: () => T): ConditionalResult<R | T>;
  /** Fails the node with `message` when no condition holds. @default message "Condition failed" */
  fail(message?: string): ConditionalResult<R>;
}

/**
 * Starts a conditional inside a workflow body. Conditions compare promises (`x.gt(0.5)`,
 * `y.isTrue()`, joined with `.and()` / `.or()`); exactly one branch runs when the workflow runs,
 * and the nodes of the other branches end SKIPPED.
 *
 * @example
 * const r = conditional("size")
 *   .if(x.gt(0.1).and(x.lt(1.0))).then(() => double({ n: x }))
 *   .elif(x.gt(1.0)).then(() => square({ n: x }))
 *   .else().fail("the input must be positive");
 */
export function conditional(name: string): ConditionalStart {
  const outer = currentBuilder();
  if (outer === undefined) {
    throw new FlyteError(
      "E_NOT_IN_WORKFLOW",
      `conditional(${JSON.stringify(name)}) can only be used inside a workflow body; outside one, use a plain JS if on real values.`,
    );
  }
  if (typeof name !== "string" || name === "") {
    throw new FlyteError("E_CONDITION", "conditional(name) needs a non-empty name, e.g. conditional(\"size\").");
  }
  const definition = new ConditionalDefinition(name);
  const node = outer.addNode(definition);
  const label = `conditional '${name}' (node ${node.id})`;
  outer.open(node.id, () => new FlyteError("E_CONDITION", `${label} has no else branch; end it with .else().then(...) or .else().fail("message").`));
  // One builder for every branch, so inner ids are numbered across branches (n1-n0, n1-n1, ...).
  const inner = new WorkflowBuilder(outer.workflowName, `${node.id}-n`, outer);
  let stage: "if" | "then" | "more" | "else" | "done" = "if";

  const expect = (wanted: typeof stage, method: string): void => {
    if (stage !== wanted) throw new FlyteError("E_CONDITION", `${label}: .${method}() cannot come here; write .if(c).then(...), then .elif(c).then(...) as often as needed, then .else().then(...) or .else().fail(...).`);
  };
  let pending: IdlBooleanExpression | undefined;
  const addCondition = (condition: unknown, method: string): void => {
    const where = `${label} .${method}()`;
    const converted = conditionToIdl(checkCondition(condition, where), where);
    for (const [input, binding] of converted.inputs) definition.inputs.set(input, binding);
    for (const ref of converted.refs) if (ref.node !== undefined) node.upstream.add(ref.nodeId);
    pending = converted.expression;
  };
  const runBranch = (branch: unknown, where: string): NodeRecord => {
    if (typeof branch !== "function") {
      throw new FlyteError("E_CONDITION", `${label} ${where} takes a function that makes one call, e.g. .then(() => t({ a }))`);
    }
    const before = inner.nodes.length;
    const returned: unknown = withBuilder(inner, () => (branch as () => unknown)());
    inner.assertFinished();
    const made = inner.nodes.slice(before);
    if (made.length !== 1) {
      throw new FlyteError(
        "E_CONDITION",
        `${label} ${where}: a branch must make exactly one call (a task, workflow, launch plan or conditional); it made ${made.length}. ` +
          (made.length === 0 ? "To pass a value through, call a task that returns it." : "Put several calls in a workflow and call that workflow."),
      );
    }
    const madeNode = made[0] as NodeRecord;
    if (typeof (returned as { then?: unknown } | undefined)?.then === "function" && !(returned instanceof NodePromise)) {
      // A JS Promise: the branch was async, which cannot be traced.
      throw new FlyteError("E_CONDITION", `${label} ${where}: the branch function must be synchronous.`);
    }
    for (const id of madeNode.upstream) node.upstream.add(id);
    return madeNode;
  };

  const more: ConditionalMore<unknown> = {
    elif(condition) {
      expect("more", "elif");
      addCondition(condition, "elif");
      stage = "then";
      return then;
    },
    else() {
      expect("more", "else");
      stage = "else";
      return otherwise;
    },
  };
  const then: ConditionalThen<unknown> = {
    then(branch) {
      expect("then", "then");
      const caseNode = runBranch(branch, `branch ${definition.cases.length}`);
      definition.cases.push({ expression: pending as IdlBooleanExpression, node: caseNode });
      stage = "more";
      return more;
    },
  };
  const finish = (elseBranch: ConditionalElse): unknown => {
    definition.elseBranch = elseBranch;
    stage = "done";
    outer.close(node.id);
    const thenNodes = definition.cases.map((c) => c.node);
    if (elseBranch.kind === "node") thenNodes.push(elseBranch.node);
    definition.signature = sharedSignature(thenNodes);
    const sig = definition.signature;
    const promises = sig.outputNames.map(
      (variable) =>
        new NodePromise<unknown>({
          nodeId: node.id,
          variable,
          schema: sig.outputs[variable] as z.ZodType,
          node,
          label: `output '${variable}' of ${label}`,
        }),
    );
    return makeHandle(node, sig.outputForm, promises, sig.outputNames);
  };
  const otherwise: ConditionalOtherwise<unknown> = {
    then(branch) {
      expect("else", "then");
      return finish({ kind: "node", node: runBranch(branch, "else branch") });
    },
    fail(message = "Condition failed") {
      expect("else", "fail");
      if (typeof message !== "string") throw new FlyteError("E_CONDITION", `${label} .else().fail(message) takes a string.`);
      return finish({ kind: "fail", message });
    },
  };
  return {
    if(condition) {
      expect("if", "if");
      addCondition(condition, "if");
      stage = "then";
      return then;
    },
  };
}

/**
 * The outputs every branch node has, typed as in the first; the form follows the first branch
 * (positional only while the shared names are still `o0..oN`).
 */
function sharedSignature(nodes: readonly NodeRecord[]): Signature {
  const none: Signature = { inputs: {}, inputNames: [], outputs: {}, outputNames: [], outputForm: "none" };
  const first = nodes[0];
  if (first === undefined || nodes.some((n) => n.entity.signature.outputForm === "none")) return none;
  const firstSig = first.entity.signature;
  const names = firstSig.outputNames.filter((name) => nodes.every((n) => name in n.entity.signature.outputs));
  if (names.length === 0) return none;
  const outputs: Record<string, z.ZodType> = {};
  for (const name of names) outputs[name] = firstSig.outputs[name] as z.ZodType;
  let form: OutputForm = firstSig.outputForm;
  if (form === "single" && names[0] !== "o0") form = "named";
  if (form === "positional" && !names.every((n, i) => n === `o${i}`)) form = "named";
  return { inputs: {}, inputNames: [], outputs, outputNames: names, outputForm: form };
}
