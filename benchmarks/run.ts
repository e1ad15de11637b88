/**
 * `npm run bench`: every benchmark, one JSON line per figure. `npm run bench -- NAME` runs one.
 * `end-to-end` is the headline suite (real server and worker processes, the public API); the
 * others measure parts in one process (the server's with fake workers: `durable-execution`).
 * Opt-in benchmarks (the console's, which needs a browser) run only when named.
 */
import { benchColdStart } from "./cold-start.ts";
import { benchInnerLoop } from "./inner-loop.ts";
import { benchLocalEngine } from "./local-engine.ts";
import { benchStore } from "./store.ts";
import { benchMapTask } from "./map-task.ts";
import { benchDynamic } from "./dynamic.ts";
import { benchDurable } from "./durable-execution.ts";
import { benchRestartRecovery } from "./restart-recovery.ts";
import { benchTypeEngine } from "./type-engine.ts";
import { benchIsolation } from "./isolation.ts";
import { benchEndToEnd } from "./end-to-end.ts";
import { benchData } from "./data.ts";
import { benchConsole } from "./console.ts";
import { benchExecutionPageRpcs } from "./execution-page-rpcs.ts";
import { benchExecutionListing } from "./execution-listing.ts";

const benches: Readonly<Record<string, () => void | Promise<void>>> = {
  "end-to-end": benchEndToEnd,
  "local-engine": benchLocalEngine,
  "cold-start": benchColdStart,
  "inner-loop": benchInnerLoop,
  store: benchStore,
  "execution-listing": benchExecutionListing,
  "map-task": benchMapTask,
  dynamic: benchDynamic,
  "durable-execution": benchDurable,
  "restart-recovery": benchRestartRecovery,
  "type-engine": benchTypeEngine,
  isolation: benchIsolation,
  data: benchData,
  console: benchConsole,
  "execution-page-rpcs": benchExecutionPageRpcs,
};
const OPT_IN = new Set(["console", "execution-page-rpcs"]);

const wanted = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length === 0 ? !OPT_IN.has(name) : wanted.includes(name)) await bench();
}
