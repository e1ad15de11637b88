/**
 * `@flyte/worker/bundle`: the code bundle contract alone — what `flyte register` and
 * `flyte run --remote` need to write bundles and task args — without the worker itself (its
 * RPC client, isolates and the worker IDL), so those commands load a few modules instead of the
 * whole worker.
 */
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
