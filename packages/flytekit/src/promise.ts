/**
 * Output promises: placeholders for values that exist only when the workflow runs.
 *
 * A promise is not a value. Every way JS could silently turn it into one (`x > 3`, `x + 1`,
 * `${x}`, JSON, iteration) throws a FlyteError instead, and a promise has no `then`, so it is
 * never mistaken for a JS Promise.
 */
import type { z } from "zod";
import { currentBuilder, type NodeRecord } from "./builder.ts";
import { codeFrame, positionText } from "./code-frame.ts";
import { FlyteError } from "./errors.ts";
import { ComparisonExpression, type ComparisonOperator, type Operand } from "./expressions.ts";
import { mergeOverrides, type NodeOverrides } from "./overrides.ts";
import { nodeOfHandle, type Orderable } from "./handles.ts";
import { callerFrame } from "./stack-frames.ts";

/** Marks promises across module copies. */
export const PROMISE_BRAND: unique symbol = Symbol.for("flytekit.node-promise") as never;
declare const nativeType: unique symbol;

/** Where a promise points: a node's output variable, or a workflow input (`start-node`). */
export interface PromiseRef {
  readonly nodeId: string;
  readonly variable: string;
  readonly schema: z.ZodType;
  /** The node that produces it; absent for workflow inputs. */
  readonly node?: NodeRecord;
  /** Human description for messages, e.g. "output 'o0' of node n0 (t1)". */
  readonly label: string;
}

const MISUSE_HINT =
  "Inside a workflow body, values exist only when the workflow runs. Pass the promise to another task, " +
  "compare with .eq()/.gt()/... inside conditional(), or use dynamic() / eager() to work with real values.";

/**
 * The value of a node output or workflow input, known only at run time.
 *
 * @example
 * const x = t1({ a });          // NodePromise<number>
 * t2({ n: x });                 // binds n to t1's output
 */
export class NodePromise<T> {
  /** Phantom: the native type this promise resolves to (type-level only). */
  declare readonly [nativeType]: T;
  readonly #ref: PromiseRef;

  constructor(ref: PromiseRef) {
    this.#ref = ref;
    Object.defineProperty(this, PROMISE_BRAND, { value: true });
  }

  /** @internal Where this promise points. */
  static refOf(promise: NodePromise<unknown>): PromiseRef {
    return promise.#ref;
  }

  /** `this == v` when the workflow runs. */
  eq(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("EQ", value);
  }
  /** `this != v`. */
  ne(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("NEQ", value);
  }
  /** `this > v`. */
  gt(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("GT", value);
  }
  /** `this >= v`. */
  gte(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("GTE", value);
  }
  /** `this < v`. */
  lt(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("LT", value);
  }
  /** `this <= v`. */
  lte(value: T | NodePromise<T>): ComparisonExpression {
    return this.#compare("LTE", value);
  }
  /** `this == true`. */
  isTrue(): ComparisonExpression {
    return this.#compare("EQ", true);
  }
  /** `this == false`. */
  isFalse(): ComparisonExpression {
    return this.#compare("EQ", false);
  }
  /** `this` is none (`null` / `undefined`). */
  isNone(): ComparisonExpression {
    return new ComparisonExpression("EQ", { kind: "promise", promise: this }, { kind: "constant", value: null });
  }

  /** Per-call settings of the node that produces this promise; returns this promise. */
  withOverrides(overrides: NodeOverrides): this {
    const node = this.#producer("withOverrides()");
    node.overrides = mergeOverrides(`node ${node.id}`, node.overrides, overrides);
    return this;
  }

  /** Makes `other`'s node wait for this promise's node, without passing data; returns `other`. */
  runsBefore<H extends Orderable>(other: H): H {
    const node = this.#producer("runsBefore()");
    const target = nodeOfHandle(other, "runsBefore()");
    target.upstream.add(node.id);
    return other;
  }

  #producer(method: string): NodeRecord {
    const node = this.#ref.node;
    if (node === undefined) {
      throw new FlyteError(
        "E_PROMISE_MISUSE",
        `${method} was called on ${this.#ref.label}, which is a workflow input, not the output of a node.`,
      );
    }
    return node;
  }

  #compare(operator: ComparisonOperator, value: unknown): ComparisonExpression {
    const right: Operand = isNodePromise(value) ? { kind: "promise", promise: value } : { kind: "constant", value };
    return new ComparisonExpression(operator, { kind: "promise", promise: this }, right);
  }

  [Symbol.toPrimitive](): never {
    throw misuse(`${this.#ref.label} is a promise, not a value: it cannot be used in arithmetic, comparisons with < > ==, or template strings.`);
  }

  [Symbol.iterator](): never {
    throw misuse(`${this.#ref.label} is a promise, not a list: it cannot be iterated or spread.`);
  }

  toJSON(): never {
    throw misuse(`${this.#ref.label} is a promise, not a value: it cannot be serialized to JSON.`);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `NodePromise(${this.#ref.nodeId}.${this.#ref.variable})`;
  }
}

/**
 * The error for a promise used as a value: names the body being built and points at the user's
 * expression (the innermost user frame: the operator, template or JSON.stringify call).
 */
function misuse(what: string): FlyteError {
  const builder = currentBuilder();
  const frame = callerFrame();
  const inBody = builder !== undefined ? `in the body of '${builder.workflowName}'` : "";
  const at = frame !== undefined ? `${inBody === "" ? "at" : " at"} ${positionText(frame)}` : "";
  const prefix = inBody + at;
  return new FlyteError("E_PROMISE_MISUSE", `${prefix !== "" ? `${prefix}: ` : ""}${what} ${MISUSE_HINT}${frame !== undefined ? `\n\n${codeFrame(frame)}` : ""}`);
}

/** True for output promises and workflow-input promises. */
export function isNodePromise(value: unknown): value is NodePromise<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PROMISE_BRAND] === true;
}
