/**
 * Conditions (`x.gt(1).and(y.eq("a"))`) as a flyteidl `BooleanExpression`, the way Flyte writes
 * them: each promise operand becomes an input of the branch node named `<node id>.<output>` (the
 * workflow's inputs are `start-node.<input>`) and bound to that promise; the expression refers to
 * those inputs by name. A constant takes the type of the promise it is compared with, so
 * `x.gt(1)` on a FLOAT promise compares FLOATs.
 */
import { create } from "@bufbuild/protobuf";
import {
  BooleanExpressionSchema,
  ComparisonExpression_Operator,
  ConjunctionExpression_LogicalOperator,
  OperandSchema,
  type BooleanExpression as IdlBooleanExpression,
  type Operand as IdlOperand,
} from "@flyte/idl/gen/flyteidl/core/condition_pb.js";
import { BindingSchema, type Binding, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { OutputReferenceSchema, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { z } from "zod";
import { FlyteError } from "../errors.ts";
import { BooleanExpression, ComparisonExpression, ConjunctionExpression, type Operand } from "../expressions.ts";
import { NodePromise, isNodePromise, type PromiseRef } from "../promise.ts";
import { transformerFor } from "../types/index.ts";

/** A condition ready for a branch node: the expression and the inputs it reads. */
export interface ConditionIdl {
  readonly expression: IdlBooleanExpression;
  /** One binding per promise operand, by input name (`n0.o0`). */
  readonly inputs: ReadonlyMap<string, Binding>;
  /** The promises the condition reads (for node dependencies). */
  readonly refs: readonly PromiseRef[];
}

const OPERATORS = {
  EQ: ComparisonExpression_Operator.EQ,
  NEQ: ComparisonExpression_Operator.NEQ,
  GT: ComparisonExpression_Operator.GT,
  GTE: ComparisonExpression_Operator.GTE,
  LT: ComparisonExpression_Operator.LT,
  LTE: ComparisonExpression_Operator.LTE,
} as const;

/**
 * Converts a condition; `where` names it for messages (`conditional 'size' .if()`).
 *
 * @throws FlyteError E_CONDITION for operands that are not primitives, constants that do not fit
 * the promise's type, and promises of different types compared with each other.
 */
export function conditionToIdl(condition: BooleanExpression, where: string): ConditionIdl {
  const inputs = new Map<string, Binding>();
  const refs: PromiseRef[] = [];
  const visit = (expr: BooleanExpression): IdlBooleanExpression => {
    if (expr instanceof ConjunctionExpression) {
      return create(BooleanExpressionSchema, {
        expr: {
          case: "conjunction",
          value: {
            operator: expr.operator === "AND" ? ConjunctionExpression_LogicalOperator.AND : ConjunctionExpression_LogicalOperator.OR,
            leftExpression: visit(expr.left),
            rightExpression: visit(expr.right),
          },
        },
      });
    }
    if (!(expr instanceof ComparisonExpression)) {
      throw new FlyteError("E_CONDITION", `${where}: the condition must be a comparison such as x.gt(1), or comparisons joined with .and() / .or().`);
    }
    const left = promiseOperand(expr.left);
    const right = promiseOperand(expr.right);
    // Every comparison built by NodePromise has a promise on the left.
    const typed = left ?? right;
    if (typed === undefined) throw new FlyteError("E_CONDITION", `${where}: a comparison needs at least one promise.`);
    const type = primitiveTypeOf(typed, where);
    if (left !== undefined && right !== undefined) {
      const other = primitiveTypeOf(right, where);
      if (other.text !== type.text) {
        throw new FlyteError(
          "E_CONDITION",
          `${where}: ${left.label} (${type.text}) is compared with ${right.label} (${other.text}); Flyte compares values of the same type only.`,
        );
      }
    }
    const operand = (side: Operand, ref: PromiseRef | undefined): IdlOperand => {
      if (ref !== undefined) {
        const name = `${ref.nodeId}.${ref.variable}`;
        if (!inputs.has(name)) {
          inputs.set(
            name,
            create(BindingSchema, {
              var: name,
              binding: { value: { case: "promise", value: create(OutputReferenceSchema, { nodeId: ref.nodeId, var: ref.variable }) } },
            }),
          );
          refs.push(ref);
        }
        return create(OperandSchema, { val: { case: "var", value: name } });
      }
      return constantOperand(side.kind === "constant" ? side.value : undefined, typed, where);
    };
    return create(BooleanExpressionSchema, {
      expr: {
        case: "comparison",
        value: { operator: OPERATORS[expr.operator], leftValue: operand(expr.left, left), rightValue: operand(expr.right, right) },
      },
    });
  };
  return { expression: visit(condition), inputs, refs };
}

/**
 * Rejects what cannot be a condition, with the hint flytekit users need: a bare promise, a JS
 * boolean (a comparison JS already evaluated), or nothing.
 */
export function checkCondition(value: unknown, where: string): BooleanExpression {
  if (value instanceof BooleanExpression) return value;
  if (isNodePromise(value)) {
    throw new FlyteError(
      "E_CONDITION",
      `${where} received ${NodePromise.refOf(value).label} itself; a condition must compare it, e.g. x.isTrue() or x.eq(3).`,
    );
  }
  if (typeof value === "boolean") {
    throw new FlyteError(
      "E_CONDITION",
      `${where} received the JS boolean ${String(value)}, which was computed while the body was traced; compare promises with .eq() .gt() .isTrue() ... so the condition is evaluated when the workflow runs.`,
    );
  }
  throw new FlyteError("E_CONDITION", `${where} needs a condition such as x.gt(1) or x.isTrue().and(y.lt(2)); got ${value === null ? "null" : typeof value}.`);
}

function promiseOperand(operand: Operand): PromiseRef | undefined {
  return operand.kind === "promise" && isNodePromise(operand.promise) ? NodePromise.refOf(operand.promise) : undefined;
}

/** The primitive type a promise holds (looking through an optional's union), or an error. */
function primitiveTypeOf(ref: PromiseRef, where: string): { readonly text: string; readonly schema: z.ZodType } {
  const literalType = transformerFor(ref.schema).literalType;
  const simple = simpleOf(literalType);
  if (simple === undefined) {
    throw new FlyteError(
      "E_CONDITION",
      `${where}: ${ref.label} is not a primitive (integer, float, string, boolean, datetime, duration or enum); only primitives can be compared.`,
    );
  }
  return { text: simple, schema: ref.schema };
}

function simpleOf(type: LiteralType): string | undefined {
  const t = type.type;
  if (t.case === "simple") {
    const primitive = [SimpleType.INTEGER, SimpleType.FLOAT, SimpleType.STRING, SimpleType.BOOLEAN, SimpleType.DATETIME, SimpleType.DURATION];
    return primitive.includes(t.value) ? SimpleType[t.value] : t.value === SimpleType.NONE ? "NONE" : undefined;
  }
  if (t.case === "enumType") return "STRING";
  if (t.case === "unionType") {
    // An optional value (a union with none) compares as what it holds.
    const kinds = t.value.variants.map(simpleOf).filter((k) => k !== "NONE");
    return kinds.length === 1 && kinds[0] !== undefined ? kinds[0] : undefined;
  }
  return undefined;
}

/** A constant as the promise's type: a primitive operand, or a none scalar. */
function constantOperand(value: unknown, typed: PromiseRef, where: string): IdlOperand {
  let literal: Literal;
  if (value === null || value === undefined) {
    return create(OperandSchema, { val: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
  }
  try {
    literal = transformerFor(typed.schema).toLiteral(value, { entity: where, side: "input", variable: typed.variable });
  } catch (err) {
    if (!(err instanceof FlyteError)) throw err;
    throw new FlyteError("E_CONDITION", `${where}: the constant ${describe(value)} does not fit ${typed.label}: ${err.message}`, { cause: err });
  }
  for (;;) {
    const v = literal.value;
    if (v.case !== "scalar") break;
    const scalar = v.value.value;
    if (scalar.case === "primitive") return create(OperandSchema, { val: { case: "primitive", value: scalar.value } });
    if (scalar.case === "noneType") return create(OperandSchema, { val: { case: "scalar", value: v.value } });
    if (scalar.case === "union" && scalar.value.value !== undefined) {
      literal = scalar.value.value;
      continue;
    }
    break;
  }
  throw new FlyteError("E_CONDITION", `${where}: the constant ${describe(value)} is not a primitive; only primitives can be compared.`);
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
