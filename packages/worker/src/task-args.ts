/**
 * The container arguments of a task template, as a worker reads them: where the code bundle is
 * (fast registration) and which export of which module is the task.
 *
 *   flyte fast-execute --additional-distribution <bundle url> --dest-dir . -- \
 *     flyte execute --inputs ... --resolver ... -- task-module <module> task-name <export>
 *
 * What follows the last `--` is the SDK's task reference (flytekit's task-reference.ts: an
 * export, or `task-ref NAME` for a task that is not exported); the worker hands it to the SDK.
 */
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";

/** Where a task's code is, read from its container args. */
export interface TaskLocation {
  /** The code bundle's URL; absent when the code is in the worker's image (its working directory). */
  readonly bundleUrl?: string;
  /** Dotted module path relative to the project root, e.g. "examples.basics.workflow". */
  readonly module: string;
  /** The resolver arguments (after the last `--`), which the SDK resolves to the task. */
  readonly resolverArgs: readonly string[];
}

/** Prefixes `args` (a task's normal `flyte execute ...` args) with the fast-execute command. */
export function withFastExecute(args: readonly string[], bundleUrl: string, destDir = "."): string[] {
  const inner = stripFastExecute(args);
  return ["flyte", "fast-execute", "--additional-distribution", bundleUrl, "--dest-dir", destDir, "--", ...inner];
}

/**
 * The tasks a dynamic body or an eager call uses run from the same bundle as the task that made
 * the spec: their templates get its fast-execute prefix (the SDK writes them with the plain
 * `flyte execute` args). Changes `spec` in place and returns it.
 */
export function specWithBundle(spec: DynamicJobSpec, bundleUrl: string): DynamicJobSpec {
  for (const task of spec.tasks) {
    if (task.target.case === "container") task.target.value.args = withFastExecute(task.target.value.args, bundleUrl);
  }
  return spec;
}

/** The normal args of `args`, without a fast-execute prefix if it has one. */
export function stripFastExecute(args: readonly string[]): string[] {
  if (args[1] !== "fast-execute") return [...args];
  const dash = args.indexOf("--");
  return dash === -1 ? [] : args.slice(dash + 1);
}

/**
 * Reads the bundle URL, module and export name from container args; throws an Error saying what
 * is missing when the args are not ones `flyte` writes.
 */
export function parseTaskArgs(args: readonly string[]): TaskLocation {
  let bundleUrl: string | undefined;
  if (args[1] === "fast-execute") {
    const i = args.indexOf("--additional-distribution");
    bundleUrl = i === -1 ? undefined : args[i + 1];
    if (bundleUrl === undefined || bundleUrl === "") throw new Error("the task's fast-execute args have no --additional-distribution URL");
  }
  const inner = stripFastExecute(args);
  const module = valueAfter(inner, "task-module");
  if (module === undefined || (valueAfter(inner, "task-name") ?? valueAfter(inner, "task-ref")) === undefined) {
    throw new Error(`the task's container args do not name its code (expected 'task-module M task-name E' or 'task-module M task-ref N'): ${JSON.stringify(args)}`);
  }
  const dash = inner.lastIndexOf("--");
  return { ...(bundleUrl !== undefined ? { bundleUrl } : {}), module, resolverArgs: dash === -1 ? inner : inner.slice(dash + 1) };
}

function valueAfter(args: readonly string[], key: string): string | undefined {
  // The resolver args come after the last "--"; look there so inputs cannot be mistaken for them.
  const dash = args.lastIndexOf("--");
  const tail = dash === -1 ? args : args.slice(dash + 1);
  const i = tail.indexOf(key);
  return i === -1 ? undefined : tail[i + 1];
}
