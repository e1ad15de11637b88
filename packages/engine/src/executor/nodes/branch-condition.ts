/**
 * Evaluates a branch condition (flyteidl `BooleanExpression`) on a branch node's resolved inputs.
 *
 * Operands are primitives (or none): a constant (`primitive`, or `scalar` for none) or a `var`
 * naming one of the branch node's inputs. As in Flyte's backend, both sides of a comparison must
 * be of the same primitive kind (an INTEGER is not compared with a FLOAT), booleans support only
 * EQ/NEQ, and none equals only none. Anything else is a {@link ConditionError}.
 */
import {
  ComparisonExpression_Operator,
  ConjunctionExpression_LogicalOperator,
  type BooleanExpression,
  type ComparisonExpression,
  type Operand,
} from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import type { Literal, LiteralMap, Primitive, Scalar } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** A condition that cannot be evaluated: a missing input, a non-primitive value, mismatched kinds. */
export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConditionError";
  }
}

/** A comparable value: a number-like kind with its value, or none. */
type Value =
  | { readonly kind: "integer"; readonly value: bigint }
  | { readonly kind: "float" | "datetime" | "duration"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "none" };

/**
 * Evaluates `expression` against `inputs`.
 *
 * @throws ConditionError when an operand is missing, not a primitive, or the kinds do not compare.
 * @example
 * if (evaluateCondition(block.condition, inputs)) runThen();
 */
export function evaluateCondition(expression: BooleanExpression | undefined, inputs: LiteralMap): boolean {
  const expr = expression?.expr;
  switch (expr?.case) {
    case "comparison":
      return compare(expr.value, inputs);
    case "conjunction": {
      const { operator, leftExpression, rightExpression } = expr.value;
      const left = evaluateCondition(leftExpression, inputs);
      // Short-circuit as a reader expects; both sides are side-effect free.
      if (operator === ConjunctionExpression_LogicalOperator.AND) return left && evaluateCondition(rightExpression, inputs);
      return left || evaluateCondition(rightExpression, inputs);
    }
    default:
      throw new ConditionError("the condition is empty (neither a comparison nor a conjunction).");
  }
}

function compare(comparison: ComparisonExpression, inputs: LiteralMap): boolean {
  const left = operandValue(comparison.leftValue, inputs, "left");
  const right = operandValue(comparison.rightValue, inputs, "right");
  const op = comparison.operator;
  const opName = ComparisonExpression_Operator[op] ?? String(op);
  if (left.kind === "none" || right.kind === "none") {
    const same = left.kind === right.kind;
    if (op === ComparisonExpression_Operator.EQ) return same;
    if (op === ComparisonExpression_Operator.NEQ) return !same;
    throw new ConditionError(`${opName} cannot compare none; only EQ and NEQ can.`);
  }
  if (left.kind !== right.kind) {
    throw new ConditionError(`cannot compare a ${left.kind} with a ${right.kind}; both sides must have the same type.`);
  }
  const l = left.value;
  const r = (right).value;
  if (left.kind === "boolean" && op !== ComparisonExpression_Operator.EQ && op !== ComparisonExpression_Operator.NEQ) {
    throw new ConditionError(`${opName} cannot compare booleans; only EQ and NEQ can.`);
  }
  switch (op) {
    case ComparisonExpression_Operator.EQ:
      return l === r;
    case ComparisonExpression_Operator.NEQ:
      return l !== r;
    case ComparisonExpression_Operator.GT:
      return l > r;
    case ComparisonExpression_Operator.GTE:
      return l >= r;
    case ComparisonExpression_Operator.LT:
      return l < r;
    case ComparisonExpression_Operator.LTE:
      return l <= r;
    default:
      throw new ConditionError(`unknown comparison operator ${String(op)}.`);
  }
}

function operandValue(operand: Operand | undefined, inputs: LiteralMap, side: string): Value {
  const val = operand?.val;
  switch (val?.case) {
    case "primitive":
      return primitiveValue(val.value, `the ${side} constant`);
    case "scalar":
      return scalarValue(val.value, `the ${side} constant`);
    case "var": {
      const literal = inputs.literals[val.value];
      if (literal === undefined) {
        const known = Object.keys(inputs.literals);
        throw new ConditionError(
          `the ${side} operand reads input "${val.value}", which the branch node does not have (${known.length === 0 ? "it has none" : `it has ${known.map((k) => `"${k}"`).join(", ")}`}).`,
        );
      }
      return literalValue(literal, `input "${val.value}"`);
    }
    default:
      throw new ConditionError(`the ${side} operand is empty.`);
  }
}

function literalValue(literal: Literal, what: string): Value {
  if (literal.value.case !== "scalar") throw new ConditionError(`${what} is a ${literal.value.case ?? "empty literal"}, not a primitive; only primitives can be compared.`);
  return scalarValue(literal.value.value, what);
}

function scalarValue(scalar: Scalar, what: string): Value {
  const v = scalar.value;
  switch (v.case) {
    case "primitive":
      return primitiveValue(v.value, what);
    case "noneType":
      return { kind: "none" };
    case "union":
      // Optional values arrive wrapped in a union: compare what is inside.
      if (v.value.value === undefined) return { kind: "none" };
      return literalValue(v.value.value, what);
    default:
      throw new ConditionError(`${what} is a ${v.case ?? "empty scalar"}, not a primitive; only primitives can be compared.`);
  }
}

function primitiveValue(primitive: Primitive, what: string): Value {
  const v = primitive.value;
  switch (v.case) {
    case "integer":
      return { kind: "integer", value: v.value };
    case "floatValue":
      return { kind: "float", value: v.value };
    case "stringValue":
      return { kind: "string", value: v.value };
    case "boolean":
      return { kind: "boolean", value: v.value };
    case "datetime":
      return { kind: "datetime", value: Number(v.value.seconds) * 1e9 + v.value.nanos };
    case "duration":
      return { kind: "duration", value: Number(v.value.seconds) * 1e9 + v.value.nanos };
    default:
      throw new ConditionError(`${what} is an empty primitive.`);
  }
}
