/**
 * The first module of every isolate thread: answers the imports other threads already resolved
 * from their shared table (resolution-cache.ts), turns on Node's on-disk compile cache for the
 * thread (it is per thread, and most of an isolate's start is compiling and type-stripping
 * flytekit, the engine and the IDL), then loads the real entry named in `workerData.entry` and
 * sends the main thread what it resolved on the way.
 */
import { enableCompileCache } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import type { FromThread } from "./protocol.ts";
import { cacheResolutions, type Resolutions } from "./resolution-cache.ts";

const data = workerData as { entry: string; resolutions?: Resolutions };
const learned = cacheResolutions(data.resolutions);
enableCompileCache();
await import(data.entry);
const entries = learned();
if (entries.size > 0) parentPort?.postMessage({ kind: "resolutions", entries } satisfies FromThread);
