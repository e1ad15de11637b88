/**
 * The part of a big graph that is made into React Flow nodes. React Flow sets up every node it is
 * given (its internal record, absolute position, z-order, bounds for fitting and culling) whether
 * or not it is drawn, which for 5,000 nodes costs a busy main thread hundreds of milliseconds
 * before the first paint and again on every change. Beyond a size, the graph hands React Flow only
 * the nodes in a window around the view (three views wide and high), plus the far ends of edges
 * that leave it, and moves the window when the view nears its edge.
 */

/** A box in the graph's coordinates. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** React Flow's viewport: the graph's point drawn at the view's top-left is (-x / zoom, -y / zoom). */
export interface ViewTransform {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** What the view shows, in the graph's coordinates, for a view of `width` × `height` pixels. */
export function viewBox(t: ViewTransform, width: number, height: number): Box {
  return { x: -t.x / t.zoom, y: -t.y / t.zoom, width: width / t.zoom, height: height / t.zoom };
}

/** `box` grown by `by` of its own size on every side (1: three times as wide and high). */
export function grow(box: Box, by: number): Box {
  return { x: box.x - box.width * by, y: box.y - box.height * by, width: box.width * (1 + 2 * by), height: box.height * (1 + 2 * by) };
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The window to use for the view `view`: `last` while the view stays well inside it (at least half
 * a view from its edges), else a new one a view wide on every side of it. Keeping the window while
 * the user pans a little means React Flow's nodes change only now and then, not on every frame.
 */
export function nextWindow(last: Box | undefined, view: Box): Box {
  if (last !== undefined && contains(last, grow(view, 0.5))) return last;
  return grow(view, 1);
}

/**
 * The ids of top-level nodes to hand React Flow: those whose box meets `window`, and the other end
 * of every edge with one end among them (so that no edge crossing the view is missing).
 */
export function idsInWindow(
  boxes: ReadonlyMap<string, Box>,
  edges: readonly (readonly [string, string])[],
  window: Box,
): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const [id, box] of boxes) if (overlaps(box, window)) ids.add(id);
  const ends: string[] = [];
  for (const [s, t] of edges) {
    if (ids.has(s) && !ids.has(t)) ends.push(t);
    else if (ids.has(t) && !ids.has(s)) ends.push(s);
  }
  for (const id of ends) ids.add(id);
  return ids;
}

/** Zoom limits and padding of a fitted view. */
export interface FitOptions {
  readonly minZoom: number;
  readonly maxZoom: number;
  /** Room left around the box, as a share of its size on each side. */
  readonly padding: number;
}

/** The viewport that centres `box` in a view of `width` × `height` pixels, as large as `options` allow. */
export function fitTransform(box: Box, width: number, height: number, options: FitOptions): ViewTransform {
  const room = 1 + 2 * options.padding;
  const zoom = Math.min(options.maxZoom, Math.max(options.minZoom, Math.min(width / (box.width * room), height / (box.height * room))));
  return { zoom, x: (width - box.width * zoom) / 2 - box.x * zoom, y: (height - box.height * zoom) / 2 - box.y * zoom };
}
