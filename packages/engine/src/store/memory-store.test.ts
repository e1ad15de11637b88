import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStore } from "./memory-store.ts";
import { storeConformance } from "./store-conformance.ts";

storeConformance("MemoryStore", () => new MemoryStore());

test("the memory store answers synchronously, so the engine's hot path awaits nothing", () => {
  const store = new MemoryStore();
  const created = store.createExecution({
    executionId: "e1",
    closure: undefined as never,
    inputs: undefined as never,
    createdAt: 0,
  });
  assert.equal(created, undefined);
  assert.equal(store.getExecution("e1")?.phase, "UNDEFINED");
});
