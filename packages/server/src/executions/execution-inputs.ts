/**
 * Inputs of a new execution checked against its launch plan, as FlyteAdmin does in
 * CreateExecution: every given input must be one the launch plan expects (not a fixed one), of a
 * castable type; every required input must be given. The execution's inputs are then the launch
 * plan's defaults, overlaid with the given inputs, plus the fixed inputs.
 */
import { clone, create } from "@bufbuild/protobuf";
import type { LaunchPlanSpec } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import type { ParameterMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { invalidArgument } from "../api/errors.ts";
import { literalCastsTo, literalTypeOf, typeSummary } from "../api/literal-type.ts";

/**
 * The merged inputs, or INVALID_ARGUMENT listing every problem with the given inputs.
 *
 * @param subject names the launch plan (or task) in messages, e.g. `launch plan 'p/d/wf@v1'`
 */
export function mergeExecutionInputs(
  subject: string,
  expected: ParameterMap | undefined,
  spec: Pick<LaunchPlanSpec, "fixedInputs"> | undefined,
  given: LiteralMap | undefined,
): LiteralMap {
  const parameters = expected?.parameters ?? {};
  const fixed = spec?.fixedInputs?.literals ?? {};
  const provided = given?.literals ?? {};
  const problems: string[] = [];
  const merged: Record<string, Literal> = {};

  // Defaults and fixed inputs are copied: they belong to the launch plan's decoded (and cached,
  // frozen) target that every execution of it shares, while the merged map is this execution's.
  for (const [name, param] of Object.entries(parameters)) {
    if (param.behavior.case === "default" && provided[name] === undefined) merged[name] = clone(LiteralSchema, param.behavior.value);
  }
  for (const [name, literal] of Object.entries(provided)) {
    if (fixed[name] !== undefined) {
      problems.push(`input '${name}' is fixed by the ${subject} and cannot be overridden; leave it out`);
      continue;
    }
    const param = parameters[name];
    if (param === undefined) {
      const names = Object.keys(parameters);
      problems.push(`invalid input '${name}': the ${subject} has no such input (its inputs: ${names.length === 0 ? "none" : names.join(", ")})`);
      continue;
    }
    const want = param.var?.type;
    const got = literalTypeOf(literal);
    if (want !== undefined && !literalCastsTo(literal, got, want)) {
      problems.push(`invalid input '${name}': expected ${typeSummary(want)}, got ${typeSummary(got)}`);
      continue;
    }
    merged[name] = literal;
  }
  for (const [name, param] of Object.entries(parameters)) {
    if (param.behavior.case === "required" && param.behavior.value && provided[name] === undefined) {
      problems.push(`missing required input '${name}' (${typeSummary(param.var?.type)}) of the ${subject}; pass it in the request's inputs`);
    }
  }
  if (problems.length > 0) throw invalidArgument(`invalid inputs for the ${subject}:\n${problems.join("\n")}`);
  for (const [name, literal] of Object.entries(fixed)) merged[name] = clone(LiteralSchema, literal);
  return create(LiteralMapSchema, { literals: merged });
}
