/** The cache of compiled dynamic workflows: keyed by attempt, bounded, least recently used out. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { DynamicWorkflowNodeMetadataSchema } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import { attemptKey, DynamicWorkflowCache, dynamicWorkflowCacheOf } from "./dynamic-workflow-cache.ts";

const workflow = (name: string) => create(DynamicWorkflowNodeMetadataSchema, { id: { name } });

test("each attempt has its own key: a retry's workflow is not the first attempt's", () => {
  const cache = new DynamicWorkflowCache();
  cache.keep(attemptKey("p:d:e", "n0", 0), workflow("first"), 10);
  assert.equal(cache.find(attemptKey("p:d:e", "n0", 0))?.id?.name, "first");
  assert.equal(cache.find(attemptKey("p:d:e", "n0", 1)), undefined, "attempt 1 is another record");
  assert.equal(cache.find(attemptKey("p:d:e", "n1", 0)), undefined, "another node");
  assert.equal(cache.find(attemptKey("p:d:x", "n0", 0)), undefined, "another execution");
  // Ids with the separator's neighbours do not collide: ("a", "b:c") is not ("a:b", "c").
  assert.notEqual(attemptKey("a", "b-c", 0), attemptKey("a-b", "c", 0));
});

test("the cache keeps at most its bound in bytes, dropping the least recently used first", () => {
  const cache = new DynamicWorkflowCache(100);
  cache.keep("a", workflow("a"), 40);
  cache.keep("b", workflow("b"), 40);
  assert.ok(cache.find("a") !== undefined); // a is now the most recently used
  cache.keep("c", workflow("c"), 40); // 120 > 100: b goes
  assert.equal(cache.find("b"), undefined);
  assert.equal(cache.find("a")?.id?.name, "a");
  assert.equal(cache.find("c")?.id?.name, "c");
  cache.keep("huge", workflow("huge"), 101);
  assert.equal(cache.find("huge"), undefined, "bigger than the bound: not kept");
  assert.equal(cache.size, 2);
});

test("one cache per queue", () => {
  const [q1, q2] = [{}, {}];
  assert.equal(dynamicWorkflowCacheOf(q1), dynamicWorkflowCacheOf(q1));
  assert.notEqual(dynamicWorkflowCacheOf(q1), dynamicWorkflowCacheOf(q2));
});
