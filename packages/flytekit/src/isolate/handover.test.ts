// Runs handed to an idle isolate through shared memory (handover.ts): they arrive whole, a run
// too large for the buffer still arrives (by port), a thread with a timer left by its last
// attempt does not park (the timer runs while it is idle), and a parked isolate stops.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { HANDOVER_BYTES } from "./handover.ts";
import { Isolate } from "./isolate.ts";

const ENTRY = new URL("../testdata/handover-thread.ts", import.meta.url);

/** Runs `payload` until one run was handed through shared memory (a thread parks once idle: a moment after each run). */
async function runUntilHanded(isolate: Isolate, payload: object): Promise<unknown> {
  const before = isolate.handedRuns;
  for (let i = 0; i < 100; i++) {
    await sleep(20);
    const end = await isolate.run(payload);
    if (isolate.handedRuns > before) return end;
  }
  assert.fail("no run was handed through shared memory");
}

test("an idle isolate takes its runs through shared memory, whole; one too large for it comes by port", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    assert.equal(await isolate.ready, true);
    const blob = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const sum = blob.reduce((a, b) => a + b, 0);
    assert.deepEqual(await runUntilHanded(isolate, { blob }), { kind: "done", value: { timerRan: false, bytes: 1000, sum } });
    // The thread parks again; a payload larger than the buffer wakes it to take the run by port.
    await runUntilHanded(isolate, {});
    await sleep(100);
    const handed = isolate.handedRuns;
    const large = new Uint8Array(HANDOVER_BYTES + 1).fill(1);
    assert.deepEqual(await isolate.run({ blob: large }), { kind: "done", value: { timerRan: false, bytes: large.length, sum: large.length } });
    assert.equal(isolate.handedRuns, handed, "the large run went by port");
    // And the next small one is handed again.
    await runUntilHanded(isolate, {});
  } finally {
    await isolate.terminate();
  }
});

test("an isolate whose last attempt left a timer does not park: the timer runs while it is idle", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    assert.equal(await isolate.ready, true);
    assert.deepEqual(await isolate.run({ timerMs: 1 }), { kind: "done", value: { timerRan: false, bytes: 0, sum: 0 } });
    // A parked thread would run the timer only once the next run awaits: this run answers before it awaits.
    await sleep(1_000);
    assert.deepEqual(await isolate.run({}), { kind: "done", value: { timerRan: true, bytes: 0, sum: 0 } });
  } finally {
    await isolate.terminate();
  }
});

test("a parked isolate is stopped by terminate()", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  await runUntilHanded(isolate, {});
  await sleep(100);
  await isolate.terminate();
  assert.equal(isolate.alive, false);
  // As for any idle isolate: the thread's exit is how it died.
  assert.equal((await isolate.run({})).kind, "exited");
});
