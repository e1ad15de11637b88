/**
 * Boolean expressions built from promise comparisons (`x.gt(1).and(y.eq("a"))`). They mean
 * something only as the condition of `conditional()`; using one as a JS boolean is an error.
 */
import { FlyteError } from "./errors.ts";

/** Comparison operators, as in flyteidl `ComparisonExpression.Operator`. */
export type ComparisonOperator = "EQ" | "NEQ" | "GT" | "GTE" | "LT" | "LTE";

/** One side of a comparison: a promise (kept opaque here) or a constant. */
export type Operand = { readonly kind: "promise"; readonly promise: object } | { readonly kind: "constant"; readonly value: unknown };

const TRUTH_HINT =
  "A condition on promises is evaluated when the workflow runs, not while its body is traced: " +
  "pass it to conditional(name).if(...), or use dynamic() / eager() to branch on real values.";

/** Base of comparison and conjunction expressions. */
export abstract class BooleanExpression {
  /** Both this and `other` must hold. */
  and(other: BooleanExpression): ConjunctionExpression {
    return new ConjunctionExpression("AND", this, checkExpression(other, "and"));
  }

  /** This or `other` must hold. */
  or(other: BooleanExpression): ConjunctionExpression {
    return new ConjunctionExpression("OR", this, checkExpression(other, "or"));
  }

  [Symbol.toPrimitive](): never {
    throw new FlyteError("E_PROMISE_MISUSE", `A Flyte condition cannot be used as a JS value. ${TRUTH_HINT}`);
  }

  toJSON(): never {
    throw new FlyteError("E_PROMISE_MISUSE", `A Flyte condition cannot be serialized to JSON. ${TRUTH_HINT}`);
  }
}

/** `left <op> right`. */
export class ComparisonExpression extends BooleanExpression {
  readonly operator: ComparisonOperator;
  readonly left: Operand;
  readonly right: Operand;

  constructor(operator: ComparisonOperator, left: Operand, right: Operand) {
    super();
    this.operator = operator;
    this.left = left;
    this.right = right;
  }
}

/** `left AND right` or `left OR right`. */
export class ConjunctionExpression extends BooleanExpression {
  readonly operator: "AND" | "OR";
  readonly left: BooleanExpression;
  readonly right: BooleanExpression;

  constructor(operator: "AND" | "OR", left: BooleanExpression, right: BooleanExpression) {
    super();
    this.operator = operator;
    this.left = left;
    this.right = right;
  }
}

function checkExpression(value: unknown, method: string): BooleanExpression {
  if (value instanceof BooleanExpression) return value;
  throw new FlyteError(
    "E_PROMISE_MISUSE",
    `.${method}() takes another condition such as x.gt(1) or y.isTrue(), not ${typeof value}.`,
  );
}
