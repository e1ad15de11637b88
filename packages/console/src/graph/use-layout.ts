/** Runs the layout worker for a graph; returns positions once computed (undefined meanwhile). */
import { useEffect, useRef, useState } from "react";
import type { LayoutRequest, LayoutResponse } from "./layout-types.ts";

let nextId = 1;
let spare: Worker | undefined;

function newWorker(): Worker {
  return new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
}

/**
 * Starts a layout worker ahead of need (the execution page calls this as it opens), so that its
 * script is loaded and compiled while the execution and workflow are still being fetched.
 */
export function prestartLayoutWorker(): void {
  spare ??= newWorker();
}

/** A laid-out graph: positions of every node and sizes of expanded groups. */
export type Layout = Omit<LayoutResponse, "id">;

/** The layout of `nodes` with `edges`; recomputed only when the graph's shape changes. */
export function useLayout(nodes: LayoutRequest["nodes"], edges: LayoutRequest["edges"], shapeKey: string): Layout | undefined {
  const [layout, setLayout] = useState<Layout | undefined>(undefined);
  const worker = useRef<Worker | undefined>(undefined);
  useEffect(() => {
    const w = spare ?? newWorker();
    spare = undefined;
    worker.current = w;
    return () => w.terminate();
  }, []);
  useEffect(() => {
    const w = worker.current;
    if (w === undefined || nodes.length === 0) return;
    const id = nextId++;
    const onMessage = (event: MessageEvent<LayoutResponse>): void => {
      if (event.data.id === id) setLayout({ positions: event.data.positions, sizes: event.data.sizes });
    };
    w.addEventListener("message", onMessage);
    const request: LayoutRequest = { id, nodes, edges };
    w.postMessage(request);
    return () => w.removeEventListener("message", onMessage);
    // The shape key stands for nodes and edges: phases change without a new layout.
  }, [shapeKey]);
  return layout;
}
