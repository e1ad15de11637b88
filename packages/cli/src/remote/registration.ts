/**
 * Fast registration (`flyte register`, `flyte run --remote`): load the files (folders expanded),
 * bundle them with every project module they import, upload the bundle through
 * DataProxyService, serialize every entity with its tasks pointing at the bundle, and register
 * tasks, workflows and launch plans in dependency order.
 */
import { createHash } from "node:crypto";
import { LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { loadProject, namesOf, specsOf, type EntitySpec, type LoadedEntity, type LoadedProject, type SerializationSettings } from "flytekit/internal";
import { withFastExecute } from "@flyte/worker";
import { buildBundle, type CodeBundleFile } from "./bundle.ts";
import { isAlreadyExists, isNotFound, type Remote } from "./connection.ts";
import { expandPaths } from "./project-files.ts";

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

/** The version of code `sha256` registered into `project` / `domain`: identical code ⇒ identical version. */
export function derivedVersion(sha256: string, project: string, domain: string): string {
  return createHash("sha256").update(JSON.stringify({ bundle: sha256, project, domain, sdk: "flyte-ts/0.1.0", format: 1 })).digest("base64url").slice(0, 22);
}

/**
 * Loads `paths` (files and folders, relative to `cwd`) and bundles them with every project
 * module they import; throws when they define no entity.
 */
export async function loadAndBundle(paths: readonly string[], cwd: string = process.cwd()): Promise<{ project: LoadedProject; bundle: CodeBundleFile }> {
  const files = expandPaths(paths, cwd);
  if (files.length === 0) throw new Error(`no modules (.ts, .mts, .js, .mjs) were found in ${paths.join(", ")}`);
  const project = await loadProject(files, cwd);
  if (project.entities.length === 0) throw new Error(`no Flyte entities were detected in ${paths.join(", ")}: export tasks, workflows or launch plans from them`);
  return { project, bundle: await buildBundle(project.modules, namesOf(project.modules)) };
}

/** Registers everything `paths` (files and folders) define on `remote`. */
export async function registerFiles(remote: Remote, paths: readonly string[], options: RegisterOptions = {}): Promise<Registration> {
  const { project, bundle } = await loadAndBundle(paths, options.cwd ?? process.cwd());
  const entities = project.entities;
  const version = options.version ?? derivedVersion(bundle.sha256, remote.project, remote.domain);
  await ensureProject(remote);
  const bundleUrl = await upload(remote, bundle.bytes, bundle.sha256);
  const settings: SerializationSettings = { project: remote.project, domain: remote.domain, version };
  const specs = specsOf(
    entities.map((e) => e.definition),
    settings,
  );
  for (const spec of specs) {
    if (spec.kind === "task") {
      const target = spec.message.template?.target;
      if (target?.case === "container") target.value.args = withFastExecute(target.value.args, bundleUrl);
    }
  }
  const activated: string[] = [];
  const statuses: Array<"registered" | "unchanged"> = [];
  for (const spec of specs) statuses.push(await registerSpec(remote, spec));
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

/** The identifier a spec registers under. */
export function idOf(spec: EntitySpec): Identifier | undefined {
  return spec.kind === "launchPlan" ? spec.message.id : spec.message.template?.id;
}

/** Registers one spec; "unchanged" when the server had it already (an identical spec is accepted again). */
async function registerSpec(remote: Remote, spec: EntitySpec): Promise<"registered" | "unchanged"> {
  const id = idOf(spec);
  const existed = await exists(remote, spec);
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

async function exists(remote: Remote, spec: EntitySpec): Promise<boolean> {
  const id = idOf(spec);
  try {
    if (spec.kind === "task") await remote.admin.getTask({ id });
    else if (spec.kind === "workflow") await remote.admin.getWorkflow({ id });
    else await remote.admin.getLaunchPlan({ id });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
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

/** Uploads the bundle through a signed URL; returns the URL workers download it from. */
async function upload(remote: Remote, bytes: Uint8Array, sha256: string): Promise<string> {
  return uploadFile(remote, `fast${sha256.slice(0, 32)}.mjs`, bytes, "the code bundle");
}

/**
 * Uploads `bytes` as `filename` through a signed URL from DataProxyService; returns the URL the
 * server and workers read it from. `what` names the file in errors.
 */
export async function uploadFile(remote: Remote, filename: string, bytes: Uint8Array, what: string): Promise<string> {
  const md5 = createHash("md5").update(bytes).digest();
  const location = await remote.dataProxy.createUploadLocation({ project: remote.project, domain: remote.domain, filename, contentMd5: md5 });
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
