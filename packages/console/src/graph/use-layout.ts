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

/** Positions of `nodes` laid out with `edges`; recomputed only when the graph's shape changes. */
export function useLayout(nodes: LayoutRequest["nodes"], edges: LayoutRequest["edges"], shapeKey: string): LayoutResponse["positions"] | undefined {
  const [positions, setPositions] = useState<LayoutResponse["positions"] | undefined>(undefined);
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
      if (event.data.id === id) setPositions(event.data.positions);
    };
    w.addEventListener("message", onMessage);
    const request: LayoutRequest = { id, nodes, edges };
    w.postMessage(request);
    return () => w.removeEventListener("message", onMessage);
    // The shape key stands for nodes and edges: phases change without a new layout.
  }, [shapeKey]);
  return positions;
}
