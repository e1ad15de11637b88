/** Tasks the isolation benchmark runs: one trivial body, in-process, warm-isolated and fresh-isolated. */
import { z } from "zod";
import { task } from "flytekit";

const body = ({ a }: { a: number }): number => a + 1;

export const inProcess = task({ name: "bench_in_process", inputs: { a: z.int() }, outputs: z.int() }, body);
export const warm = task({ name: "bench_warm", inputs: { a: z.int() }, outputs: z.int(), timeout: "1m" }, body);
export const fresh = task({ name: "bench_fresh", inputs: { a: z.int() }, outputs: z.int(), isolation: "fresh" }, body);
