/**
 * Integer tasks shared by the engine's tests.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskFunction } from "./function-runner.ts";
import { intMap, intOf } from "./literals.ts";

function int(inputs: LiteralMap, name: string): bigint {
  return intOf(inputs.literals[name]);
}

/** `o0 = x + 1`, `o0 = 2x`, `o0 = x + y`, `o0 = sum(xs)`. */
export const arithmeticTasks: Record<string, TaskFunction> = {
  inc: (inputs) => intMap({ o0: int(inputs, "x") + 1n }),
  double: (inputs) => intMap({ o0: int(inputs, "x") * 2n }),
  add: (inputs) => intMap({ o0: int(inputs, "x") + int(inputs, "y") }),
  sum: (inputs) => {
    const xs = inputs.literals["xs"];
    if (xs?.value.case !== "collection") throw new Error("xs must be a collection");
    return intMap({ o0: xs.value.value.literals.reduce((total, item) => total + intOf(item), 0n) });
  },
};
