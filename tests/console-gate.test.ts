/** The gate that holds the execution page's stream until the graph is drawn (lib/gate.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gate } from "../packages/console/src/lib/gate.ts";

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  // Several task turns: an opened gate resolves a task after `open`.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
};

test("a gate stays closed until opened, then opens", async () => {
  const g = gate(3_600_000);
  assert.equal(await settled(g.opened), false, "closed before open()");
  g.open();
  assert.equal(await settled(g.opened), true, "open after open()");
  g.open(); // opening twice is harmless
});

test("a gate nobody opens opens by itself after its bound", async () => {
  const g = gate(1);
  await g.opened; // would hang (and the test time out) without the bound
});
