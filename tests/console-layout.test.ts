// The graph layout used beyond dagre's reach (columns by longest path, linear, any chain length),
// and the layout of expanded groups inside the graph.
import assert from "node:assert/strict";
import { test } from "node:test";
import { layeredLayout } from "../packages/console/src/graph/layered-layout.ts";
import { GROUP_HEADER, GROUP_PAD, nestedLayout } from "../packages/console/src/graph/nested-layout.ts";

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

test("an expanded group lays out its own nodes with their edges, a group inside it too, and the graph makes room", () => {
  const inner = { id: "g-0-h", width: 200, height: 56, children: [box("g-0-h-0-a"), box("g-0-h-0-b")], edges: [["g-0-h-0-a", "g-0-h-0-b"]] as const };
  const group = { id: "g", width: 200, height: 56, children: [inner, box("g-0-c")], edges: [["g-0-h", "g-0-c"]] as const };
  const { positions: p, sizes } = nestedLayout([box("a"), group, box("z")], [["a", "g"], ["g", "z"]], layeredLayout);
  // Inside the inner group: b after a (their edge), both below the group's header.
  assert.ok((p["g-0-h-0-b"]?.x ?? 0) > (p["g-0-h-0-a"]?.x ?? 0) + 200, "b is laid out after a, not stacked under it");
  assert.equal(p["g-0-h-0-a"]?.y, GROUP_HEADER + GROUP_PAD);
  assert.equal(sizes["g-0-h"]?.width, 200 + 56 + 200 + 2 * GROUP_PAD, "the inner group holds both columns");
  // The outer group holds the inner group, then c after it.
  assert.ok((p["g-0-c"]?.x ?? 0) >= (p["g-0-h"]?.x ?? 0) + (sizes["g-0-h"]?.width ?? 0), "c comes after the whole inner group");
  assert.ok((sizes["g"]?.width ?? 0) >= (p["g-0-c"]?.x ?? 0) + 200 + GROUP_PAD, "the group is as wide as its children");
  // The node after the group starts beyond its full width.
  assert.ok((p["z"]?.x ?? 0) >= (p["g"]?.x ?? 0) + (sizes["g"]?.width ?? 0), "z is not under the expanded group");
});
