/** The live loop's wait between reconnects and polls (lib/sleep.ts): it leaves no listener behind. */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { sleep } from "../packages/console/src/lib/sleep.ts";

test("sleeps that run out leave no abort listener on the page's signal", async () => {
  const abort = new AbortController();
  for (let i = 0; i < 50; i++) await sleep(1, abort.signal);
  assert.equal(getEventListeners(abort.signal, "abort").length, 0);
});

test("an abort ends a sleep at once, and leaves no listener either", { timeout: 30_000 }, async () => {
  const abort = new AbortController();
  const slept = sleep(3_600_000, abort.signal);
  assert.equal(getEventListeners(abort.signal, "abort").length, 1, "listening while asleep");
  abort.abort();
  await slept; // would hang for an hour (and fail the test's timeout) if the abort were not heard
  assert.equal(getEventListeners(abort.signal, "abort").length, 0);
  await sleep(3_600_000, abort.signal); // already aborted: returns at once
});
