import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CRON_ALIASES, cronProblem, parseCron } from "./cron.ts";

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, after: string) => parseCron(expression).next(at(after));

describe("cron expressions", () => {
  test("every 15 minutes fires at the next quarter hour", () => {
    assert.equal(next("*/15 * * * *", "2030-01-01T10:07:30Z"), at("2030-01-01T10:15:00Z"));
  });

  test("aliases and day names are understood", () => {
    assert.equal(next("@daily", "2030-01-01T10:00:00Z"), at("2030-01-02T00:00:00Z"));
    assert.equal(next("hourly", "2030-01-01T10:00:00Z"), at("2030-01-01T11:00:00Z"));
    // 2030-01-01 is a Tuesday; the next Monday is the 7th.
    assert.equal(next("30 9 * * MON", "2030-01-01T10:00:00Z"), at("2030-01-07T09:30:00Z"));
    for (const alias of Object.keys(CRON_ALIASES)) assert.equal(cronProblem(alias), undefined, alias);
  });

  test("a time exactly on the schedule is not returned again", () => {
    assert.equal(next("0 * * * *", "2030-01-01T10:00:00Z"), at("2030-01-01T11:00:00Z"));
  });

  test("when both day fields are restricted, either matches (as classic cron and Flyte's scheduler)", () => {
    // The 15th of January 2030 is a Tuesday; the first Friday after the 1st is the 4th.
    assert.equal(next("0 0 15 * FRI", "2030-01-01T00:00:00Z"), at("2030-01-04T00:00:00Z"));
  });

  test("malformed expressions say what is wrong", () => {
    assert.match(cronProblem("61 * * * *") ?? "", /minute: 61/);
    assert.match(cronProblem("* * *") ?? "", /expected 5 fields .* got 3/);
    assert.match(cronProblem("0 0 * * * *") ?? "", /expected 5 fields .* got 6/);
    assert.match(cronProblem("0 0 L * *") ?? "", /not supported by Flyte's scheduler/);
    assert.match(cronProblem("0 0 30 2 *") ?? "", /never matches/);
    assert.equal(cronProblem("0 0 * JUL WED"), undefined);
  });
});
