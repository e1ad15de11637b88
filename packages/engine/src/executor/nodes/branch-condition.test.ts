import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  BooleanExpressionSchema,
  ComparisonExpression_Operator as Op,
  ConjunctionExpression_LogicalOperator,
  type BooleanExpression,
} from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import { LiteralMapSchema, PrimitiveSchema, type Primitive } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { ConditionError, evaluateCondition } from "./branch-condition.ts";

const int = (v: number) => ({ value: { case: "integer" as const, value: BigInt(v) } });
const flt = (v: number) => ({ value: { case: "floatValue" as const, value: v } });
const bool = (v: boolean) => ({ value: { case: "boolean" as const, value: v } });

function cmp(operator: Op, left: string, right: Pick<Primitive, "value"> | null): BooleanExpression {
  return create(BooleanExpressionSchema, {
    expr: {
      case: "comparison",
      value: {
        operator,
        leftValue: { val: { case: "var", value: left } },
        rightValue:
          right === null ? { val: { case: "scalar", value: { value: { case: "noneType", value: {} } } } } : { val: { case: "primitive", value: create(PrimitiveSchema, right) } },
      },
    },
  });
}

const inputs = create(LiteralMapSchema, {
  literals: {
    "n0.o0": { value: { case: "scalar", value: { value: { case: "primitive", value: int(3) } } } },
    "start-node.f": { value: { case: "scalar", value: { value: { case: "primitive", value: flt(0.5) } } } },
    "start-node.b": { value: { case: "scalar", value: { value: { case: "primitive", value: bool(true) } } } },
    "start-node.none": { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } },
  },
});

describe("branch conditions", () => {
  test("comparisons of same-typed primitives follow their operator", () => {
    assert.equal(evaluateCondition(cmp(Op.GT, "n0.o0", int(2)), inputs), true);
    assert.equal(evaluateCondition(cmp(Op.LTE, "n0.o0", int(2)), inputs), false);
    assert.equal(evaluateCondition(cmp(Op.LT, "start-node.f", flt(1)), inputs), true);
    assert.equal(evaluateCondition(cmp(Op.NEQ, "start-node.b", bool(false)), inputs), true);
  });

  test("conjunctions combine their sides", () => {
    const and = (l: BooleanExpression, r: BooleanExpression, op = ConjunctionExpression_LogicalOperator.AND) =>
      create(BooleanExpressionSchema, { expr: { case: "conjunction", value: { operator: op, leftExpression: l, rightExpression: r } } });
    assert.equal(evaluateCondition(and(cmp(Op.GT, "n0.o0", int(2)), cmp(Op.GT, "start-node.f", flt(1))), inputs), false);
    assert.equal(evaluateCondition(and(cmp(Op.GT, "n0.o0", int(5)), cmp(Op.LT, "start-node.f", flt(1)), ConjunctionExpression_LogicalOperator.OR), inputs), true);
  });

  test("none equals only none", () => {
    assert.equal(evaluateCondition(cmp(Op.EQ, "start-node.none", null), inputs), true);
    assert.equal(evaluateCondition(cmp(Op.EQ, "n0.o0", null), inputs), false);
  });

  test("an integer is not compared with a float, and booleans are not ordered", () => {
    assert.throws(() => evaluateCondition(cmp(Op.GT, "n0.o0", flt(1)), inputs), (e: unknown) => e instanceof ConditionError && /integer with a float/.test(e.message));
    assert.throws(() => evaluateCondition(cmp(Op.GT, "start-node.b", bool(false)), inputs), /only EQ and NEQ/);
  });

  test("an operand naming a missing input is an error listing the inputs", () => {
    assert.throws(() => evaluateCondition(cmp(Op.EQ, "n9.o0", int(1)), inputs), /"n9.o0".*"n0.o0"/);
  });
});
