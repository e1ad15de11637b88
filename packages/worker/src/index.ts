/**
 * @flyte/worker: runs task attempts leased from a Flyte server (`flyte worker`), and the code
 * bundle contract shared with `flyte register`.
 */
export { Worker, defaultWorkerCacheDir, type WorkerOptions } from "./worker.ts";
export { CodeLoader, type CodeLoaderOptions, type LoadedTask } from "./code-loader.ts";
export { CodeLoadError } from "./code-errors.ts";
export { runAssignment, errorDocumentOf, type AttemptOutcome } from "./attempt.ts";
export { RemoteEagerController, type RemoteEagerOptions, type RunEagerChildCall } from "./remote-eager.ts";
export {
  BUNDLE_FORMAT,
  SELF_CONTAINED_BUNDLE_FORMAT,
  bundleEntrySource,
  bundleHeader,
  parseBundleHeader,
  type BundleHeader,
  type BundleRuntime,
  type CodeBundle,
} from "./bundle-format.ts";
export { resolveBundleImportsFromWorker } from "./bundle-resolution.ts";
export { flytekitPackageOf, sdkMismatch, workerFlytekit, type FlytekitPackage } from "./sdk-version.ts";
export { parseTaskArgs, specWithBundle, stripFastExecute, withFastExecute, type TaskLocation } from "./task-args.ts";
export { AttemptLog, MAX_LOG_CHARS, type SendLogChunk } from "./attempt-log.ts";
