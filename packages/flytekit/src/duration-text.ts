/**
 * Durations in options: milliseconds as a number, or text such as "150ms", "30s", "10m", "2h",
 * "1d" (units may be combined: "1h30m").
 */
import { FlyteError } from "./errors.ts";

/** A duration as options accept it. */
export type DurationInput = number | string;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Parses a duration to milliseconds; `what` names the option for the error message. */
export function parseDuration(value: DurationInput, what: string): number {
  if (typeof value === "number") {
    if (Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === "string" && value.length > 0) {
    PART.lastIndex = 0;
    let total = 0;
    let consumed = 0;
    for (let m = PART.exec(value); m !== null; m = PART.exec(value)) {
      total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
      consumed = PART.lastIndex;
    }
    if (consumed === value.length) return total;
  }
  throw new FlyteError(
    "E_INVALID_DEFINITION",
    `${what}: ${JSON.stringify(value)} is not a duration; use milliseconds (e.g. 5000) or text such as "150ms", "30s", "10m", "1h30m".`,
  );
}
