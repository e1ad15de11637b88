/**
 * @flyte/worker: runs task attempts leased from a Flyte server (`flyte worker`), and the code
 * bundle contract shared with `flyte register`.
 */
export { Worker, defaultWorkerCacheDir, type WorkerOptions } from "./worker.ts";
export { CodeLoader, type CodeLoaderOptions, type LoadedTask } from "./code-loader.ts";
export { CodeLoadError } from "./code-errors.ts";
export { runAssignment, errorDocumentOf, type AttemptOutcome } from "./attempt.ts";
export { RemoteEagerController, type RemoteEagerOptions, type RunEagerChildCall } from "./remote-eager.ts";
export * from "./bundle-contract.ts";
export { AttemptLog, MAX_LOG_CHARS, type SendLogChunk } from "./attempt-log.ts";
