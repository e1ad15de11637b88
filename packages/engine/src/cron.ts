/**
 * The one cron grammar of the SDK and the server: what `launchPlan({ schedule: { cron } })`
 * accepts is exactly what registration accepts and what the scheduler fires. Parsing and "next
 * time" come from the croner library; this module fixes the dialect to Flyte's native scheduler
 * (robfig/cron): five fields (minute hour day-of-month month day-of-week), UTC, names of months
 * and week days, `*`, `?`, lists, ranges and steps (`a/n` starts at a), a day matching either
 * day field when both are restricted, and the aliases flytekit accepts. Quartz extensions (`L`,
 * `W`, `#`) and seconds or years fields are refused.
 */
import { Cron } from "croner";

/** Aliases accepted in place of an expression (flytekit's table, plus robfig's `@midnight`). */
export const CRON_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([
    ...(["hourly", "hours", "@hourly"] as const).map((a) => [a, "0 * * * *"]),
    ...(["daily", "days", "@daily", "@midnight"] as const).map((a) => [a, "0 0 * * *"]),
    ...(["weekly", "weeks", "@weekly"] as const).map((a) => [a, "0 0 * * 0"]),
    ...(["monthly", "months", "@monthly"] as const).map((a) => [a, "0 0 1 * *"]),
    ...(["annually", "@annually", "yearly", "years", "@yearly"] as const).map((a) => [a, "0 0 1 1 *"]),
  ]) as Record<string, string>,
);

const NAMES = /\b(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)\b/gi;

/** A parsed cron expression. */
export interface CronExpression {
  /** The expression as given (trimmed). */
  readonly text: string;
  /** The first time strictly after `afterMs` (ms since the epoch) that matches, in ms; undefined if none. */
  next(afterMs: number): number | undefined;
}

/** Parses `expression`; throws a RangeError whose message says what is wrong. */
export function parseCron(expression: string): CronExpression {
  const text = expression.trim();
  const pattern = CRON_ALIASES[text] ?? text;
  const fields = pattern.split(/\s+/);
  if (fields.length !== 5) {
    throw new RangeError(`expected 5 fields (minute hour day-of-month month day-of-week) or an alias such as @hourly, got ${fields.length}`);
  }
  // Month and day names may contain L or W (JUL, WED): look at what is left without them.
  if (/[LW#]/i.test(fields.slice(2).join(" ").replace(NAMES, ""))) {
    throw new RangeError("L, W and # are not supported by Flyte's scheduler");
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { mode: "5-part", timezone: "UTC", paused: true, sloppyRanges: true, domAndDow: false });
  } catch (err) {
    throw new RangeError((err instanceof Error ? err.message : String(err)).replace(/^CronPattern: /, ""));
  }
  if (cron.nextRun(new Date(0)) === null) throw new RangeError("the expression never matches (e.g. February 30th)");
  return {
    text,
    next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime(),
  };
}

/** What is wrong with `expression`, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  try {
    parseCron(expression);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
