/**
 * The type engine's share of the per-node budget: one value converted to a literal and back, for
 * an integer and for a small struct (a msgpack binary literal). Median of several runs; these
 * were timed unit tests once, which failed on a loaded machine.
 */
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { transformerFor } from "flytekit/internal";
import { median, report } from "./report.ts";

const RUNS = 5;
const path = { entity: "bench", side: "input" as const, variable: "a" };

function microsPerRoundTrip<T>(schema: z.ZodType<T>, value: (i: number) => T, n: number): number[] {
  const t = transformerFor(schema);
  for (let i = 0; i < 1000; i++) t.fromLiteral(t.toLiteral(value(i), path), path); // warm up
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) t.fromLiteral(t.toLiteral(value(i), path), path);
    runs.push(((performance.now() - start) * 1000) / n);
  }
  return runs;
}

/** Prints the figures. */
export function benchTypeEngine(): void {
  const int = microsPerRoundTrip(z.int(), (i) => i, 20_000);
  report({ bench: "type-engine", metric: "int round trip", value: median(int), unit: "µs", target: 5, runs: RUNS });
  const struct = z.object({ name: z.string(), n: z.int(), tags: z.array(z.string()) });
  const small = microsPerRoundTrip(struct, (i) => ({ name: "x", n: i, tags: ["a", "b"] }), 5_000);
  report({ bench: "type-engine", metric: "small struct round trip", value: median(small), unit: "µs", target: 20, runs: RUNS });
}
