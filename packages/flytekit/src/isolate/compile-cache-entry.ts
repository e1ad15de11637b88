/**
 * The first module of every isolate thread: turns on Node's on-disk compile cache for the thread
 * (it is per thread, and most of an isolate's start is compiling and type-stripping flytekit, the
 * engine and the IDL), then loads the real entry named in `workerData.entry`.
 */
import { enableCompileCache } from "node:module";
import { workerData } from "node:worker_threads";

enableCompileCache();
await import((workerData as { entry: string }).entry);
