/**
 * Fast registration (`flyte register`, `flyte run --remote`): load the files (folders expanded),
 * bundle them with every project module they import, upload the bundle through
 * DataProxyService, serialize every entity with its tasks pointing at the bundle, and register
 * tasks, workflows and launch plans in dependency order.
 */
import { createHash } from "node:crypto";
import { toBinary } from "@bufbuild/protobuf";
import { LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import {
  loadProject,
  namesOf,
  REGISTRATION_PLACEHOLDERS,
  specMessage,
  specsOf,
  type CallableEntity,
  type EntitySpec,
  type LoadedEntity,
  type LoadedProject,
  type SerializationSettings,
} from "flytekit/internal";
import { parseTaskArgs, withFastExecute } from "@flyte/worker/bundle";
import { bundlePlan, buildPlannedBundle, type CodeBundleFile } from "./bundle.ts";
import { bundleCacheDir, bundleCacheEnabled, cachedBundle } from "./bundle-cache.ts";
import { isAlreadyExists, isNotFound, type Remote } from "./connection.ts";
import { expandPaths } from "./project-files.ts";
import { mark } from "../timings.ts";

/** What one registration did. */
export interface Registration {
  readonly version: string;
  readonly bundleUrl: string;
  /** The entities loaded from the files (with their definitions, for output conversion). */
  readonly entities: readonly LoadedEntity[];
  /** Every spec registered, in order. */
  readonly specs: readonly EntitySpec[];
  /** Per spec (same order): whether the server had it already ("unchanged") or not. */
  readonly statuses: ReadonlyArray<"registered" | "unchanged">;
  /** Launch plans activated (with --activate-launchplans). */
  readonly activated: readonly string[];
}

/** Options of {@link registerFiles}. */
export interface RegisterOptions {
  /** @default derived from the bundle's digest and the settings */
  readonly version?: string;
  /** Activate launch plans that have schedules. */
  readonly activateLaunchPlans?: boolean;
  /** What relative paths are relative to (module paths come from each file's project root). @default process.cwd() */
  readonly cwd?: string;
}

/**
 * The version of code `sha256` registered into `project` / `domain`: identical code ⇒ identical
 * version. `specs` (the digest of the serialized entities, see {@link specsDigest}) pins the
 * specs too, so that a version that exists on the server holds exactly these entities.
 */
export function derivedVersion(sha256: string, project: string, domain: string, specs?: string): string {
  const what = specs === undefined ? { bundle: sha256, project, domain, sdk: "flyte-ts/0.1.0", format: 1 } : { bundle: sha256, specs, project, domain, sdk: "flyte-ts/0.1.0", format: 2 };
  return createHash("sha256").update(JSON.stringify(what)).digest("base64url").slice(0, 22);
}

/**
 * SHA-256 of the entities' serialized specs (version left as a placeholder). Module code that
 * reads the environment can make other specs from the same bundle; the version derived from this
 * digest then differs, rather than naming specs the server holds already.
 */
export function specsDigest(definitions: readonly CallableEntity[], project: string, domain: string): string {
  // One line per spec, sorted: the order files were given in changes nothing.
  const lines = specsOf(definitions, { project, domain, version: REGISTRATION_PLACEHOLDERS.version }).map((spec) => {
    const { schema, message } = specMessage(spec);
    return `${spec.kind} ${spec.name} ${createHash("sha256").update(toBinary(schema, message)).digest("hex")}`;
  });
  return createHash("sha256").update(lines.sort().join("\n")).digest("hex");
}

/**
 * Loads `paths` (files and folders, relative to `cwd`) and bundles them with every project
 * module they import; throws when they define no entity. `bundleCache` is the folder of cached
 * bundles (bundle-cache.ts), or false to build every time.
 */
export async function loadAndBundle(
  paths: readonly string[],
  cwd: string = process.cwd(),
  bundleCache: string | false = bundleCacheEnabled() ? bundleCacheDir() : false,
): Promise<{ project: LoadedProject; bundle: CodeBundleFile; reused: boolean }> {
  const files = expandPaths(paths, cwd);
  if (files.length === 0) throw new Error(`no modules (.ts, .mts, .js, .mjs) were found in ${paths.join(", ")}`);
  const project = await loadProject(files, cwd);
  if (project.entities.length === 0) throw new Error(`no Flyte entities were detected in ${paths.join(", ")}: export tasks, workflows or launch plans from them`);
  const plan = bundlePlan(project.modules, namesOf(project.modules));
  // Unchanged code reuses the bundle made last time (bundle-cache.ts): no esbuild run.
  if (bundleCache !== false) return { project, ...(await cachedBundle(plan, bundleCache)) };
  return { project, bundle: await buildPlannedBundle(plan), reused: false };
}

/**
 * Registers everything `paths` (files and folders) define on `remote`. With a derived version
 * (no `options.version`), the version is a digest of the code and the specs, so what the server
 * has under it is what would be sent: existing entities are not sent again, and neither is a
 * bundle the server holds already. An explicit version sends every spec, so that a different
 * spec under it is refused.
 */
export async function registerFiles(remote: Remote, paths: readonly string[], options: RegisterOptions = {}): Promise<Registration> {
  const { project, bundle } = await loadAndBundle(paths, options.cwd ?? process.cwd());
  mark("bundle");
  const entities = project.entities;
  const definitions = entities.map((e) => e.definition);
  const derived = options.version === undefined;
  const version = options.version ?? derivedVersion(bundle.sha256, remote.project, remote.domain, specsDigest(definitions, remote.project, remote.domain));
  const settings: SerializationSettings = { project: remote.project, domain: remote.domain, version };
  const specs = specsOf(definitions, settings);
  // Which of these ids does the server have? Asked all at once (a few connections at a time);
  // under a derived version, two questions answer for all of them (derivedProbe).
  const found = derived ? await derivedProbe(remote, specs) : await mapConcurrently(specs, 8, (spec) => exists(remote, spec));
  const existing = found.map((f) => f !== false);
  mark("check");
  const complete = derived && existing.every(Boolean);
  // Entities under a derived version exist only once their project and bundle did. So when all
  // of them exist, their tasks name where this very bundle is (the version digests it): nothing
  // to upload, nor to ask the server about.
  if (!complete) await ensureProject(remote);
  const registered = complete ? found.find((f): f is string => typeof f === "string") : undefined;
  const bundleUrl = registered ?? (await upload(remote, bundle.bytes, bundle.sha256));
  mark("upload");
  for (const spec of specs) {
    if (spec.kind === "task") {
      const target = spec.message.template?.target;
      if (target?.case === "container") target.value.args = withFastExecute(target.value.args, bundleUrl);
    }
  }
  const activated: string[] = [];
  const statuses: Array<"registered" | "unchanged"> = [];
  for (const [i, spec] of specs.entries()) {
    const existed = existing[i] === true;
    statuses.push(derived && existed ? "unchanged" : await registerSpec(remote, spec, existed));
  }
  mark("register");
  if (options.activateLaunchPlans === true) {
    for (const spec of specs) {
      if (spec.kind === "launchPlan" && spec.message.spec?.entityMetadata?.schedule !== undefined) {
        await remote.admin.updateLaunchPlan({ id: spec.message.id!, state: LaunchPlanState.ACTIVE });
        activated.push(spec.name);
      }
    }
  }
  return { version, bundleUrl, entities, specs, statuses, activated };
}

/**
 * What the server has of `specs` under a derived version, from two gets whatever their number:
 * the last spec (specs come in an order fixed by the code — files sorted, then their exports — and
 * are registered in that order, so it exists only once every other one does) and
 * the first task (whose args name the registered bundle). Both there: everything is (the version
 * digests the code and every spec). Otherwise it counts as all missing: the server accepts an
 * identical spec again, so registering one a stopped earlier run left there is harmless.
 */
async function derivedProbe(remote: Remote, specs: readonly EntitySpec[]): Promise<Array<boolean | string>> {
  const last = specs.length - 1;
  const task = specs.findIndex((spec) => spec.kind === "task");
  const asked = [...new Set([last, task].filter((i) => i >= 0))];
  const answers = await Promise.all(asked.map((i) => exists(remote, specs[i]!)));
  if (answers.some((a) => a === false)) return specs.map(() => false);
  return specs.map((_, i) => answers[asked.indexOf(i)] ?? true);
}

/** The identifier a spec registers under. */
export function idOf(spec: EntitySpec): Identifier | undefined {
  return spec.kind === "launchPlan" ? spec.message.id : spec.message.template?.id;
}

/** Registers one spec; "unchanged" when the server had it already (an identical spec is accepted again). */
async function registerSpec(remote: Remote, spec: EntitySpec, existed: boolean): Promise<"registered" | "unchanged"> {
  const id = idOf(spec);
  try {
    switch (spec.kind) {
      case "task":
        await remote.admin.createTask({ id, spec: spec.message });
        break;
      case "workflow":
        await remote.admin.createWorkflow({ id, spec: spec.message });
        break;
      case "launchPlan":
        await remote.admin.createLaunchPlan({ id, spec: spec.message.spec });
        break;
    }
  } catch (err) {
    const what = { task: "task", workflow: "workflow", launchPlan: "launch plan" }[spec.kind];
    // The server accepts an identical spec again; ALREADY_EXISTS means this one differs.
    if (isAlreadyExists(err)) throw new Error(`${what} ${spec.name} version ${id?.version ?? "?"} already exists with a different spec; use a new --version`, { cause: err });
    throw new Error(`could not register ${what} ${spec.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return existed ? "unchanged" : "registered";
}

/**
 * Whether the server has the entity of `spec`: false when not; for a task, the bundle URL its
 * registered args name (when they name one); else true.
 */
async function exists(remote: Remote, spec: EntitySpec): Promise<boolean | string> {
  const id = idOf(spec);
  try {
    if (spec.kind === "task") {
      const target = (await remote.admin.getTask({ id })).closure?.compiledTask?.template?.target;
      return (target?.case === "container" ? registeredBundleUrl(target.value.args) : undefined) ?? true;
    } else if (spec.kind === "workflow") await remote.admin.getWorkflow({ id });
    else await remote.admin.getLaunchPlan({ id });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The bundle URL of a registered task's args, or undefined when they name none. */
function registeredBundleUrl(args: readonly string[]): string | undefined {
  try {
    return parseTaskArgs(args).bundleUrl;
  } catch {
    return undefined;
  }
}

/** `f` of every item, at most `limit` at a time, in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await f(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Creates the project if the server does not have it (Flyte's sandbox comes with flytesnacks). */
export async function ensureProject(remote: Remote): Promise<void> {
  try {
    await remote.admin.getProject({ id: remote.project });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await remote.admin.registerProject({ project: { id: remote.project, name: remote.project } });
  }
}

/** Uploads the bundle through a signed URL (unless the server has it); returns the URL workers download it from. */
async function upload(remote: Remote, bytes: Uint8Array, sha256: string): Promise<string> {
  return uploadFile(remote, `fast${sha256.slice(0, 32)}.mjs`, bytes, "the code bundle");
}

/**
 * Uploads `bytes` as `filename` through a signed URL from DataProxyService; returns the URL the
 * server and workers read it from. `what` names the file in errors. Upload locations are named by
 * the content's MD5, so a file found at its location (same size) is the same file: it is not sent
 * again (a HEAD request instead of the bytes).
 */
export async function uploadFile(remote: Remote, filename: string, bytes: Uint8Array, what: string): Promise<string> {
  const md5 = createHash("md5").update(bytes).digest();
  const location = await remote.dataProxy.createUploadLocation({ project: remote.project, domain: remote.domain, filename, contentMd5: md5 });
  if (await alreadyUploaded(location.nativeUrl, bytes.length)) return location.nativeUrl;
  let res: Response;
  try {
    res = await fetch(location.signedUrl, {
      method: "PUT",
      body: bytes,
      headers: { "content-type": "application/octet-stream", "content-md5": md5.toString("base64"), ...location.headers },
    });
  } catch (err) {
    throw new Error(`could not upload ${what} to ${location.signedUrl}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!res.ok) throw new Error(`could not upload ${what} to ${location.signedUrl}: HTTP ${res.status} ${await res.text()}`);
  return location.nativeUrl;
}

/** Whether `url` (an HTTP download URL) serves a file of `size` bytes; false when it cannot tell. */
async function alreadyUploaded(url: string, size: number): Promise<boolean> {
  if (!/^https?:\/\//.test(url)) return false; // e.g. s3:// on a Flyte deployment: upload as always
  try {
    const res = await fetch(url, { method: "HEAD" });
    return res.ok && Number(res.headers.get("content-length")) === size;
  } catch {
    return false;
  }
}
