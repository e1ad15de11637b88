/**
 * Checks a launch plan against its workflow's interface, as FlyteAdmin does on registration
 * (`launch_plan_validator.go`), and derives the inputs an execution of it expects. Every problem is
 * collected so a client sees all of them at once.
 */
import { create } from "@bufbuild/protobuf";
import { cronProblem, isCastable } from "@flyte/engine";
import type { LaunchPlanSpec } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { ParameterMapSchema, ParameterSchema, type Parameter, type TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { ParameterMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { literalCastsTo, literalTypeOf, typeSummary } from "./literal-type.ts";

/** The outcome: expected inputs, or the problems found. */
export type LaunchPlanCheck = { ok: true; expectedInputs: ParameterMap } | { ok: false; problems: string[] };

/** Validates `spec` against `workflow` (the workflow's typed interface). */
export function checkLaunchPlan(spec: LaunchPlanSpec, workflow: TypedInterface | undefined): LaunchPlanCheck {
  const problems: string[] = [];
  const wfInputs = workflow?.inputs?.variables ?? {};
  const defaults = spec.defaultInputs?.parameters ?? {};
  const fixed = spec.fixedInputs?.literals ?? {};

  for (const [name, param] of Object.entries(defaults)) {
    const expected = wfInputs[name]?.type;
    if (wfInputs[name] === undefined) {
      problems.push(`unexpected default_input ${name}: the workflow has no input '${name}' (its inputs: ${namesOf(wfInputs)})`);
      continue;
    }
    const given = param.var?.type;
    if (expected === undefined || given === undefined || !isCastable(given, expected)) {
      problems.push(`invalid default_input wrong type ${name}, expected ${typeSummary(expected)}, got ${typeSummary(given)} instead`);
      continue;
    }
    if (param.behavior.case === "default") {
      const valueType = literalTypeOf(param.behavior.value);
      if (!literalCastsTo(param.behavior.value, valueType, expected)) {
        problems.push(`invalid default_input value ${name}: the default is a ${typeSummary(valueType)}, the input is a ${typeSummary(expected)}`);
      }
    }
  }
  for (const [name, literal] of Object.entries(fixed)) {
    const expected = wfInputs[name]?.type;
    if (wfInputs[name] === undefined) {
      problems.push(`unexpected fixed_input ${name}: the workflow has no input '${name}' (its inputs: ${namesOf(wfInputs)})`);
      continue;
    }
    const given = literalTypeOf(literal);
    if (expected === undefined || !literalCastsTo(literal, given, expected)) {
      problems.push(`invalid fixed_input wrong type ${name}, expected ${typeSummary(expected)}, got ${typeSummary(given)} instead`);
    }
    if (defaults[name] !== undefined) problems.push(`input ${name} is both a default_input and a fixed_input; keep one of them`);
  }

  // What an execution must or may pass: every workflow input that is not fixed.
  const expectedInputs: Record<string, Parameter> = {};
  for (const [name, variable] of Object.entries(wfInputs)) {
    if (fixed[name] !== undefined) continue;
    expectedInputs[name] = defaults[name] ?? create(ParameterSchema, { var: variable, behavior: { case: "required", value: true } });
  }

  const schedule = spec.entityMetadata?.schedule;
  if (schedule !== undefined) {
    const expr = schedule.ScheduleExpression;
    if (expr.case === "cronExpression" || expr.case === "cronSchedule") {
      const text = expr.case === "cronExpression" ? expr.value : expr.value.schedule;
      // The SDK checks with the same parser (@flyte/engine's cron.ts), so what it accepts registers.
      const problem = cronProblem(text);
      if (problem !== undefined) problems.push(`Invalid cron expression '${text}': ${problem}`);
    } else if (expr.case === "rate") {
      if (expr.value.value <= 0) problems.push(`invalid fixed rate schedule: the rate must be positive (got ${expr.value.value})`);
    } else {
      problems.push("the schedule has neither a cron expression nor a rate");
    }
    const kickoff = schedule.kickoffTimeInputArg;
    if (kickoff !== "") {
      const param = expectedInputs[kickoff];
      if (param === undefined) {
        problems.push(`Cannot create a schedule with a KickoffTimeInputArg that does not point to a free input. [${kickoff}] is not free or does not exist.`);
      } else {
        const t = param.var?.type?.type;
        if (t?.case !== "simple" || t.value !== SimpleType.DATETIME) {
          problems.push(`KickoffTimeInputArg must reference a datetime input. [${kickoff}] is a [${typeSummary(param.var?.type)}]`);
        }
      }
    }
    for (const [name, param] of Object.entries(expectedInputs)) {
      if (name === kickoff) continue;
      if (param.behavior.case === "required" && param.behavior.value) {
        problems.push(`Cannot create a launch plan with a schedule if there is an unbound required input. [${name}] is required`);
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, expectedInputs: create(ParameterMapSchema, { parameters: expectedInputs }) };
}

function namesOf(vars: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(vars);
  return names.length === 0 ? "none" : names.join(", ");
}
