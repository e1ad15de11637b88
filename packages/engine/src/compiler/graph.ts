/**
 * Graph algorithms over a workflow's nodes: cycle detection and the ConnectionSet. Everything is
 * iterative and linear in nodes + edges, so long chains neither overflow the stack nor go quadratic.
 */
import { END_NODE_ID, START_NODE_ID } from "./identifiers.ts";

/** Upstream (data and ordering) dependencies per node, for the user nodes of one workflow. */
export type Dependencies = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Finds the cycles of the graph, one per strongly connected component that has one (Tarjan's
 * algorithm, then a shortest cycle through the component's first node). Each cycle is listed in
 * data-flow order and starts and ends with the same node id, e.g. `["n1", "n2", "n1"]`.
 */
export function findCycles(order: readonly string[], deps: Dependencies): string[][] {
  const indexOf = new Map<string, number>();
  order.forEach((id, i) => indexOf.set(id, i));
  // Downstream adjacency by index; dependencies on unknown nodes were already reported.
  const down: number[][] = order.map(() => []);
  const selfLoop = order.map(() => false);
  order.forEach((id, i) => {
    for (const up of deps.get(id) ?? []) {
      const j = indexOf.get(up);
      if (j === undefined) continue;
      if (j === i) selfLoop[i] = true;
      down[j]?.push(i);
    }
  });

  const n = order.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: { v: number; next: number }[] = [{ v: root, next: 0 }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const succ = down[frame.v] ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++] ?? 0;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push({ v: w, next: 0 });
        } else if (onStack[w] === 1) {
          low[frame.v] = Math.min(low[frame.v] ?? 0, index[w] ?? 0);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v] ?? 0, low[frame.v] ?? 0);
      if (low[frame.v] === index[frame.v]) {
        const component: number[] = [];
        let w: number | undefined;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack[w] = 0;
          component.push(w);
        } while (w !== frame.v);
        if (component.length > 1 || selfLoop[frame.v] === true) components.push(component);
      }
    }
  }

  return components
    .map((c) => cycleThrough(c, down, order))
    .sort((a, b) => (indexOf.get(a[0] ?? "") ?? 0) - (indexOf.get(b[0] ?? "") ?? 0));
}

/** A shortest cycle through the component's earliest node, by breadth-first search inside it. */
function cycleThrough(component: readonly number[], down: readonly number[][], order: readonly string[]): string[] {
  const members = new Set(component);
  // The earliest node in declaration order, so the reported cycle is stable.
  let start = component[0] ?? 0;
  for (const v of component) if (v < start) start = v;
  const parent = new Map<number, number>();
  const queue = [start];
  let found = false;
  for (let head = 0; head < queue.length && !found; head++) {
    const v = queue[head] ?? start;
    for (const w of down[v] ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        parent.set(start, v);
        found = true;
        break;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  for (let v = parent.get(start); v !== undefined && v !== start; v = parent.get(v)) path.push(v);
  path.push(start);
  return path.reverse().map((i) => order[i] ?? "?");
}

/** Upstream and downstream id lists for every node, including the start and end nodes. */
export interface Connections {
  readonly upstream: Map<string, string[]>;
  readonly downstream: Map<string, string[]>;
}

/**
 * Builds the connection lists like Flyte's compiler: a node with no dependency hangs off the start
 * node, and a node nothing depends on feeds the end node so the workflow waits for it. Lists are
 * sorted, so the result does not depend on binding order.
 */
export function buildConnections(order: readonly string[], deps: Dependencies, endDeps: ReadonlySet<string>): Connections {
  const upSets = new Map<string, Set<string>>();
  const downSets = new Map<string, Set<string>>();
  const link = (from: string, to: string): void => {
    let ups = upSets.get(to);
    if (ups === undefined) upSets.set(to, (ups = new Set()));
    ups.add(from);
    let downs = downSets.get(from);
    if (downs === undefined) downSets.set(from, (downs = new Set()));
    downs.add(to);
  };
  for (const id of order) {
    const ups = deps.get(id);
    if (ups === undefined || ups.size === 0) link(START_NODE_ID, id);
    else for (const up of ups) link(up, id);
  }
  for (const up of endDeps) link(up, END_NODE_ID);
  for (const id of order) if (!downSets.has(id)) link(id, END_NODE_ID);

  const ids = [START_NODE_ID, END_NODE_ID, ...order];
  const sorted = (m: Map<string, Set<string>>): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const s = m.get(id);
      if (s !== undefined) out.set(id, [...s].sort(compareIds));
    }
    return out;
  };
  return { upstream: sorted(upSets), downstream: sorted(downSets) };
}

/** Plain code-unit order, independent of locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
