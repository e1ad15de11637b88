/**
 * Launch plan schedules: cron expressions (5 fields, or an alias such as `@hourly`) and fixed
 * rates (`"10m"`, `"2h"`, `"1d"`), checked when the launch plan is defined.
 */
import { cronProblem as engineCronProblem } from "@flyte/engine";
import { parseDuration, type DurationInput } from "./duration-text.ts";
import { FlyteError } from "./errors.ts";

/** When a launch plan runs by itself. */
export type ScheduleOption =
  | {
      /** Five-field cron (`minute hour day-of-month month day-of-week`) or an alias such as `@daily`. */
      readonly cron: string;
      /** Name of a DATETIME workflow input that receives the scheduled time. @default none */
      readonly kickoffTimeInput?: string;
    }
  | {
      /** Interval between runs, whole minutes: milliseconds or text such as `"10m"`, `"2h"`, `"1d"`. */
      readonly rate: DurationInput;
      /** Name of a DATETIME workflow input that receives the scheduled time. @default none */
      readonly kickoffTimeInput?: string;
    };

/** A checked schedule, ready to serialize. */
export type NormalizedSchedule =
  | { readonly kind: "cron"; readonly expression: string; readonly kickoffTimeInput: string | undefined }
  | { readonly kind: "rate"; readonly value: number; readonly unit: "MINUTE" | "HOUR" | "DAY"; readonly kickoffTimeInput: string | undefined };

/**
 * Checks a cron expression with the grammar the server uses (one parser, @flyte/engine's
 * cron.ts): five fields or an alias such as `@hourly`. Returns a problem, or `undefined`.
 *
 * @example
 * cronProblem("0 * * * *"); // undefined
 * cronProblem("61 * * * *"); // "Invalid value for minute: 61"
 */
export function cronProblem(expression: string): string | undefined {
  return engineCronProblem(expression);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Checks a schedule of launch plan `lp`.
 *
 * @throws FlyteError E_INVALID_SCHEDULE for a bad cron expression, a rate under a minute or not in
 * whole minutes, or a schedule that is neither.
 */
export function normalizeSchedule(schedule: ScheduleOption, lp: string): NormalizedSchedule {
  const what = `launch plan '${lp}'`;
  const kickoff = schedule.kickoffTimeInput;
  if (kickoff !== undefined && typeof kickoff !== "string") throw new FlyteError("E_INVALID_SCHEDULE", `${what}: kickoffTimeInput must be an input name.`);
  if ("cron" in schedule && !("rate" in schedule)) {
    if (typeof schedule.cron !== "string") throw new FlyteError("E_INVALID_SCHEDULE", `${what}: schedule.cron must be a string such as "0 * * * *".`);
    const problem = cronProblem(schedule.cron);
    if (problem !== undefined) {
      throw new FlyteError("E_INVALID_SCHEDULE", `${what}: the schedule is invalid. Provided schedule: ${JSON.stringify(schedule.cron)}. Error: ${problem}.`);
    }
    return { kind: "cron", expression: schedule.cron.trim(), kickoffTimeInput: kickoff };
  }
  if ("rate" in schedule && !("cron" in schedule)) {
    let ms: number;
    try {
      ms = parseDuration(schedule.rate, `${what}: schedule.rate`);
    } catch (err) {
      throw new FlyteError("E_INVALID_SCHEDULE", err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (ms < MINUTE) {
      throw new FlyteError("E_INVALID_SCHEDULE", `${what}: a rate of less than a minute is not supported for fixed-rate schedules; received ${JSON.stringify(schedule.rate)}.`);
    }
    if (ms % MINUTE !== 0) {
      throw new FlyteError("E_INVALID_SCHEDULE", `${what}: a fixed rate must be whole minutes; received ${JSON.stringify(schedule.rate)}.`);
    }
    // The largest unit that divides the rate, as flytekit normalizes it.
    if (ms % DAY === 0) return { kind: "rate", value: ms / DAY, unit: "DAY", kickoffTimeInput: kickoff };
    if (ms % HOUR === 0) return { kind: "rate", value: ms / HOUR, unit: "HOUR", kickoffTimeInput: kickoff };
    return { kind: "rate", value: ms / MINUTE, unit: "MINUTE", kickoffTimeInput: kickoff };
  }
  throw new FlyteError("E_INVALID_SCHEDULE", `${what}: a schedule is { cron: "0 * * * *" } or { rate: "10m" } (exactly one of them).`);
}
