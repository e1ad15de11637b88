// The worker's isolate pool with real threads: a burst of attempts starts isolates a few at a time,
// a waiting attempt takes a warm isolate its bundle released, and an aborted wait ends cleanly.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { IsolatePool } from "./isolate-pool.ts";

const cacheDir = mkdtempSync(join(tmpdir(), "flyte-pool-"));
after(() => rmSync(cacheDir, { recursive: true, force: true }));
const newPool = (maxStarting = 2, cores?: number, spareAfterMs?: number): IsolatePool =>
  new IsolatePool({
    thread: { cacheDir, workerId: "pool-test" },
    maxIdle: 8,
    maxStarting,
    ...(cores !== undefined ? { cores } : {}),
    ...(spareAfterMs !== undefined ? { spareAfterMs } : {}),
  });

/** Waits (generously) until `ready()` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the isolate pool", () => {
  test("a burst of attempts starts at most maxStarting isolates at once, and each attempt gets one", async () => {
    const pool = newPool(2);
    try {
      const acquires = Array.from({ length: 10 }, () => pool.acquire("bundle:a", undefined, false));
      assert.equal(pool.size, 2, "ten waiting attempts start two isolates, not ten");
      // Each attempt gives its isolate back at once, as a trivial task does: the warm ones serve the rest.
      const served = await Promise.all(
        acquires.map(async (acquire) => {
          const isolate = await acquire;
          assert.ok(isolate?.alive === true, "every attempt gets a live isolate");
          pool.release("bundle:a", isolate, false);
          return isolate;
        }),
      );
      assert.equal(served.length, 10);
    } finally {
      await pool.close();
    }
  });

  test("a waiting attempt takes the warm isolate its bundle releases before a new one loads", async () => {
    const pool = newPool(1);
    try {
      const first = await pool.acquire("bundle:a", undefined, false);
      assert.ok(first !== undefined);
      const second = pool.acquire("bundle:a", undefined, false);
      pool.release("bundle:a", first, false);
      assert.equal(await second, first);
    } finally {
      await pool.close();
    }
  });

  test("attempts behind a warm isolate that just started its attempt wait for it rather than start threads", async () => {
    const pool = newPool(2);
    try {
      const first = await pool.acquire("bundle:a", undefined, false);
      assert.ok(first !== undefined);
      const waiting = [pool.acquire("bundle:a", undefined, false), pool.acquire("bundle:a", undefined, false)];
      assert.equal(pool.size, 1, "no isolate is started while the warm one will be free sooner than a new one loads");
      pool.release("bundle:a", first, false);
      const second = await waiting[0];
      assert.equal(second, first);
      pool.release("bundle:a", first, false);
      assert.equal(await waiting[1], first);
    } finally {
      await pool.close();
    }
  });

  test("an attempt behind one that keeps running gets an isolate of its own", async () => {
    const pool = newPool(2);
    try {
      const running = await pool.acquire("bundle:a", undefined, false);
      const next = await pool.acquire("bundle:a", undefined, false);
      assert.ok(next !== undefined && next !== running, "started once the running attempt had run longer than a start takes");
    } finally {
      await pool.close();
    }
  });

  test("a warm isolate never serves another bundle, and fresh attempts never get a used isolate", async () => {
    const pool = newPool(1);
    try {
      const a = await pool.acquire("bundle:a", undefined, false);
      assert.ok(a !== undefined);
      pool.release("bundle:a", a, false);
      const b = await pool.acquire("bundle:b", undefined, false);
      assert.notEqual(b, a);
      const fresh = await pool.acquire("bundle:a", undefined, true);
      assert.notEqual(fresh, a);
      assert.notEqual(fresh, b);
    } finally {
      await pool.close();
    }
  });

  test("a pool that ran nothing for a while loads a spare, which serves the next version of the code", async () => {
    const pool = newPool(2, undefined, 50);
    try {
      const a = await pool.acquire("bundle:a", undefined, false);
      assert.ok(a !== undefined);
      assert.equal(pool.size, 1);
      pool.release("bundle:a", a, false);
      await until(() => pool.spares === 1, "a spare once the pool was quiet");
      assert.equal(pool.size, 2, "the warm isolate of bundle:a and a spare");
      const b = await pool.acquire("bundle:b", undefined, false);
      assert.ok(b !== undefined && b !== a);
      assert.equal(pool.size, 2, "bundle:b took the spare rather than starting a thread of its own");
    } finally {
      await pool.close();
    }
  });

  test("no spare loads while attempts keep coming: a release right after an attempt starts no thread", async () => {
    // A spare loaded on the heels of a first attempt (a map's first item, a workflow's first
    // task) took a second of CPU from the burst that followed.
    const pool = newPool(2, undefined, 60_000);
    try {
      const warm = await pool.acquire("bundle:a", undefined, false);
      assert.ok(warm !== undefined);
      for (let i = 0; i < 5; i++) {
        pool.release("bundle:a", warm, false);
        assert.equal(pool.size, 1, "no spare loading after a release");
        assert.equal(await pool.acquire("bundle:a", undefined, false), warm);
      }
      pool.release("bundle:a", warm, false);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(pool.size, 1, "still none before the pool has been quiet for spareAfterMs");
    } finally {
      await pool.close();
    }
  });

  test("with every core's isolate busy on attempts that do not await, a waiting attempt leaves the spare alone", async () => {
    // One core: one busy isolate fills it. Another thread would not shorten the line, so the
    // waiting attempt neither takes the loaded spare nor starts a thread; it gets the warm one back.
    const pool = newPool(2, 1);
    try {
      const warm = await pool.acquire("bundle:a", undefined, false);
      assert.ok(warm !== undefined);
      pool.release("bundle:a", warm, false);
      await until(() => pool.spares === 1, "the spare loaded after the release");
      assert.equal(await pool.acquire("bundle:a", undefined, false), warm);
      const next = pool.acquire("bundle:a", undefined, false);
      assert.equal(pool.spares, 1, "the waiting attempt did not take the spare");
      assert.equal(pool.size, 2, "nor start a thread");
      pool.release("bundle:a", warm, false);
      assert.equal(await next, warm);
    } finally {
      await pool.close();
    }
  });

  test("an attempt aborted while it waits gets no isolate; closing answers the others", async () => {
    const pool = newPool(1);
    try {
      const controller = new AbortController();
      const waiting = pool.acquire("bundle:a", undefined, false, controller.signal);
      controller.abort();
      assert.equal(await waiting, undefined);
      const other = pool.acquire("bundle:a", 64, false);
      await pool.close();
      const isolate = await other;
      assert.ok(isolate === undefined || !isolate.alive);
    } finally {
      await pool.close();
    }
  });
});
