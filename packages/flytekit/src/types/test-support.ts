/**
 * Helpers shared by the type engine's tests.
 */
import assert from "node:assert/strict";
import { equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { z } from "zod";
import { type Literal, LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { FlyteError, type FlyteErrorCode } from "../errors.ts";
import { transformerFor, type ValuePath } from "./transformer.ts";

/** The path of input `variable` of task `t1`. */
export function inputPath(variable = "a"): ValuePath {
  return { entity: "t1", side: "input", variable };
}

/** Converts to a literal, checks the literal survives protobuf binary unchanged, and converts back. */
export function roundTrip(schema: z.ZodType, value: unknown): { literal: Literal; back: unknown } {
  const t = transformerFor(schema);
  const literal = t.toLiteral(value, inputPath());
  const wire = fromBinary(LiteralSchema, toBinary(LiteralSchema, literal));
  assert.ok(equals(LiteralSchema, literal, wire), "literal changed through protobuf binary");
  return { literal, back: t.fromLiteral(wire, inputPath()) };
}

/** Asserts `fn` throws a FlyteError with `code` whose message contains every fragment. */
export function assertFlyteError(fn: () => unknown, code: FlyteErrorCode, ...fragments: string[]): FlyteError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof FlyteError, `expected a FlyteError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const f of fragments) assert.ok(caught.message.includes(f), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(f)}`);
  return caught;
}
