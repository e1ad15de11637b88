import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nextCronTime, parseCron } from "./cron.ts";

const at = (iso: string) => Date.parse(iso);

describe("cron schedules", () => {
  test("every 15 minutes fires at the next quarter hour", () => {
    assert.equal(nextCronTime(parseCron("*/15 * * * *"), at("2030-01-01T10:07:30Z")), at("2030-01-01T10:15:00Z"));
  });

  test("aliases and day names are understood", () => {
    assert.equal(nextCronTime(parseCron("@daily"), at("2030-01-01T10:00:00Z")), at("2030-01-02T00:00:00Z"));
    // 2030-01-01 is a Tuesday; the next Monday is the 7th.
    assert.equal(nextCronTime(parseCron("30 9 * * MON"), at("2030-01-01T10:00:00Z")), at("2030-01-07T09:30:00Z"));
  });

  test("a time exactly on the schedule is not returned again", () => {
    assert.equal(nextCronTime(parseCron("0 * * * *"), at("2030-01-01T10:00:00Z")), at("2030-01-01T11:00:00Z"));
  });

  test("malformed expressions name the bad field", () => {
    assert.throws(() => parseCron("61 * * * *"), /invalid minute '61'/);
    assert.throws(() => parseCron("* * *"), /has 3 fields/);
  });
});
