/**
 * Launch plan schedules: cron expressions (5 fields, or an alias such as `@hourly`) and fixed
 * rates (`"10m"`, `"2h"`, `"1d"`), checked when the launch plan is defined.
 */
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

/** Aliases Flyte's scheduler accepts in place of a cron expression. */
export const CRON_ALIASES: ReadonlySet<string> = new Set(
  ["hourly", "hours", "daily", "days", "weekly", "weeks", "monthly", "months", "annually", "yearly", "years"].flatMap((a) => [a, `@${a}`]),
);

const FIELDS = [
  { name: "minute", min: 0, max: 59, names: [] as string[] },
  { name: "hour", min: 0, max: 23, names: [] as string[] },
  { name: "day of month", min: 1, max: 31, names: [] as string[] },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

/**
 * Checks a cron expression: an alias, or five fields each made of `*`, numbers, names (months,
 * week days), ranges `a-b`, steps `/n` and lists `a,b`. Returns a problem, or `undefined`.
 *
 * @example
 * cronProblem("0 * * * *"); // undefined
 * cronProblem("61 * * * *"); // "minute: 61 is out of range 0-59"
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (CRON_ALIASES.has(text)) return undefined;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @hourly, got ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i]!;
    for (const item of (parts[i] as string).split(",")) {
      const problem = itemProblem(item, field);
      if (problem !== undefined) return `${field.name}: ${problem}`;
    }
  }
  return undefined;
}

function itemProblem(item: string, field: (typeof FIELDS)[number]): string | undefined {
  const [range, step, extra] = item.split("/");
  if (extra !== undefined || range === undefined || range === "") return `'${item}' is not a value, range or step`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step '${step}' must be a positive whole number`;
  if (range === "*" || (field.name === "day of month" && range === "?") || (field.name === "day of week" && range === "?")) return undefined;
  const bounds = range.split("-");
  if (bounds.length > 2) return `'${range}' is not a range`;
  const values: number[] = [];
  for (const bound of bounds) {
    const index = (field.names as readonly string[]).indexOf(bound.toUpperCase());
    const value = index >= 0 ? index + (field.name === "month" ? 1 : 0) : /^\d+$/.test(bound) ? Number(bound) : NaN;
    if (Number.isNaN(value)) return `'${bound}' is not a number${field.names.length > 0 ? " or a name" : ""}`;
    if (value < field.min || value > field.max) return `${bound} is out of range ${field.min}-${field.max}`;
    values.push(value);
  }
  if (values.length === 2 && (values[0] as number) > (values[1] as number)) return `range '${range}' goes backwards`;
  return undefined;
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
