/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, UTC) with the usual
 * aliases, as FlyteAdmin's native scheduler accepts them: `*`, lists, ranges, steps, month and day
 * names; when both day fields are restricted a day matches either (classic cron).
 */

const ALIASES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A parsed expression: the allowed values of each field. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

/** Parses `expression`; throws a RangeError saying which field is wrong. */
export function parseCron(expression: string): CronSchedule {
  const text = ALIASES[expression.trim().toLowerCase()] ?? expression.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new RangeError(`cron expression '${expression}' has ${fields.length} fields; use 5 (minute hour day-of-month month day-of-week) or an alias such as @daily`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const daysOfWeek = field(dow, 0, 7, DAYS, "day-of-week");
  if (daysOfWeek.has(7)) daysOfWeek.add(0);
  return {
    minutes: field(minute, 0, 59, [], "minute"),
    hours: field(hour, 0, 23, [], "hour"),
    daysOfMonth: field(dom, 1, 31, [], "day-of-month"),
    months: field(month, 1, 12, MONTHS, "month", 1),
    daysOfWeek,
    anyDayOfMonth: dom === "*" || dom === "?",
    anyDayOfWeek: dow === "*" || dow === "?",
  };
}

function field(text: string, min: number, max: number, names: readonly string[], what: string, nameBase = 0): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`invalid ${what} '${token}' in cron field '${text}' (allowed ${min}-${max})`);
    return n;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new RangeError(`invalid step '${stepText}' in cron ${what} field '${text}'`);
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [min, max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw new RangeError(`invalid range '${range}' in cron ${what} field '${text}'`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

/** The first time strictly after `afterMs` (ms since the epoch, UTC) that matches `schedule`. */
export function nextCronTime(schedule: CronSchedule, afterMs: number): number {
  const t = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  for (let guard = 0; guard < 500_000; guard++) {
    if (!schedule.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t.getTime();
  }
  throw new RangeError("the cron expression never matches (e.g. February 30th)");
}

function dayMatches(schedule: CronSchedule, t: Date): boolean {
  const dom = schedule.daysOfMonth.has(t.getUTCDate());
  const dow = schedule.daysOfWeek.has(t.getUTCDay());
  if (schedule.anyDayOfMonth) return dow;
  if (schedule.anyDayOfWeek) return dom;
  return dom || dow;
}
