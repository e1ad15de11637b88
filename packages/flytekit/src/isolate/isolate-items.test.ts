// Runs of many items in one isolate (a worker's batch of a map's items): what an item prints is
// tagged with it, aborting one item aborts it alone, and an aborted item that does not end is
// stopped with its isolate after the grace period.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Isolate } from "./isolate.ts";

const ENTRY = new URL("../testdata/items-thread.ts", import.meta.url);

test("an item aborted alone ends alone; the others run on; each item's output is tagged with it", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    const logs: [string, number | undefined][] = [];
    const { promise: hanging, resolve } = Promise.withResolvers<void>();
    const end = isolate.run({ count: 3, hang: 1 }, {
      onLog: (text, _stream, item) => {
        logs.push([text, item]);
        if (text === "item 1\n") resolve();
      },
    });
    await hanging;
    isolate.abortItem(1, new DOMException("cancelled by the server", "AbortError"), 30_000);
    assert.deepEqual(await end, { kind: "done", value: ["done", "aborted", "done"] });
    assert.deepEqual(logs, [["item 0\n", 0], ["item 1\n", 1], ["item 2\n", 2]]);
    assert.equal(isolate.alive, true, "the isolate serves the next run");
  } finally {
    await isolate.terminate();
  }
});

test("an aborted item that does not end stops its isolate after the grace period", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    const { promise: hanging, resolve } = Promise.withResolvers<void>();
    const end = isolate.run({ count: 2, hang: 0, deaf: true }, { onLog: (text) => text === "item 0\n" && resolve() });
    await hanging;
    isolate.abortItem(0, new DOMException("timed out", "TimeoutError"), 100);
    assert.deepEqual(await end, { kind: "stopped", reason: "timed out" });
    assert.equal(isolate.alive, false);
  } finally {
    await isolate.terminate();
  }
});

test("aborting the run aborts the running item and every item after it", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    const abort = new AbortController();
    const end = isolate.run({ count: 3, hang: 1 }, { signal: abort.signal, graceMs: 30_000, onLog: (text) => text === "item 1\n" && abort.abort(new DOMException("cancelled", "AbortError")) });
    assert.deepEqual(await end, { kind: "done", value: ["done", "aborted", "aborted"] });
  } finally {
    await isolate.terminate();
  }
});

test("a run whose signal is aborted before it starts runs aborted, and its isolate serves the next run", { timeout: 60_000 }, async () => {
  const isolate = new Isolate({ entry: ENTRY });
  try {
    const abort = new AbortController();
    abort.abort(new DOMException("cancelled before it started", "AbortError"));
    // Item 0 waits for its signal: if the abort reached anything but this run, the grace period
    // would stop the isolate instead.
    const end = await isolate.run({ count: 2, hang: 0 }, { signal: abort.signal, graceMs: 2_000 });
    assert.deepEqual(end, { kind: "done", value: ["aborted", "aborted"] });
    assert.equal(isolate.alive, true);
    assert.deepEqual(await isolate.run({ count: 1, hang: -1 }), { kind: "done", value: ["done"] });
  } finally {
    await isolate.terminate();
  }
});
