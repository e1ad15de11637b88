// The graph layout used beyond dagre's reach: columns by longest path, linear, any chain length.
import assert from "node:assert/strict";
import { test } from "node:test";
import { layeredLayout } from "../packages/console/src/graph/layered-layout.ts";

const box = (id: string) => ({ id, width: 200, height: 56 });

test("nodes go in columns by their longest path from a source, stacked in order", () => {
  const nodes = ["a", "b", "c", "d"].map(box);
  const p = layeredLayout(nodes, [["a", "b"], ["b", "c"], ["a", "c"], ["a", "d"]]);
  assert.equal(p["a"]?.x, 0);
  assert.equal(p["b"]?.x, p["d"]?.x, "b and d are one step from a");
  assert.ok((p["c"]?.x ?? 0) > (p["b"]?.x ?? 0), "c comes after b, its longest path");
  assert.notEqual(p["b"]?.y, p["d"]?.y, "nodes of a column do not overlap");
});

test("a 20,000-node chain lays out (no recursion), and a cycle does not hang", () => {
  const nodes = Array.from({ length: 20_000 }, (_, i) => box(`n${i}`));
  const edges = nodes.slice(1).map((n, i) => [`n${i}`, n.id] as const);
  const p = layeredLayout(nodes, edges);
  assert.ok((p["n19999"]?.x ?? 0) > (p["n19998"]?.x ?? 0));
  const cyclic = layeredLayout(["x", "y"].map(box), [["x", "y"], ["y", "x"]]);
  assert.deepEqual(Object.keys(cyclic).sort(), ["x", "y"]);
});
