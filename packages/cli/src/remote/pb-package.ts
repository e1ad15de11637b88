/**
 * Registering a serialized package (`flyte register DIR` / `flyte register PKG.tgz`), as
 * `flytectl register files` does: the protobuf files written by `flyte serialize` or `pyflyte
 * package` — `N_<name>_1.pb` (admin.TaskSpec), `N_<name>_2.pb` (admin.WorkflowSpec),
 * `N_<name>_3.pb` (admin.LaunchPlan) — in a folder or a (gzipped) tar archive. Identifiers are
 * hydrated like flytectl's: an empty or `{{ registration.* }}` project, domain or version takes the
 * target's; a task's `{{ .remote_package_path }}` becomes the uploaded fast-register archive
 * (`fast*.tar.gz` in the package) and `{{ .dest_dir }}` the destination directory (`.`).
 * Entities register in file order (by the files' numeric prefix), which puts what an entity uses
 * before it.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fromBinary, type DescMessage } from "@bufbuild/protobuf";
import { TaskSpecSchema, type TaskSpec } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowSpecSchema, type WorkflowSpec } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { LaunchPlanSchema, type LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { Node, WorkflowTemplate } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { isAlreadyExists, type Remote } from "./connection.ts";
import { ensureProject, uploadFile } from "./registration.ts";
import { readTar } from "./tar-reader.ts";

/** One entity read from a package. */
export type PackageEntity =
  | { readonly kind: "task"; readonly file: string; readonly spec: TaskSpec }
  | { readonly kind: "workflow"; readonly file: string; readonly spec: WorkflowSpec }
  | { readonly kind: "launchPlan"; readonly file: string; readonly spec: LaunchPlan };

/** A package's contents: its entities in registration order and its fast-register archive, if any. */
export interface PbPackage {
  readonly entities: readonly PackageEntity[];
  readonly sourceArchive?: { readonly name: string; readonly bytes: Uint8Array };
  /** SHA-256 of every entity file, for a version derived from the content. */
  readonly sha256: string;
}

/** What hydration fills in. */
export interface HydrationTarget {
  readonly project: string;
  readonly domain: string;
  readonly version: string;
  /** The fast-register archive's URL, for `{{ .remote_package_path }}`. */
  readonly packageUrl?: string;
  /** For `{{ .dest_dir }}`. @default "." */
  readonly destDir?: string;
}

const ARCHIVE = /\.(tgz|tar\.gz|tar)$/;
const KINDS = [
  { suffix: "_1.pb", kind: "task", schema: TaskSpecSchema, label: "admin.TaskSpec" },
  { suffix: "_2.pb", kind: "workflow", schema: WorkflowSpecSchema, label: "admin.WorkflowSpec" },
  { suffix: "_3.pb", kind: "launchPlan", schema: LaunchPlanSchema, label: "admin.LaunchPlan" },
] as const;

/**
 * Whether `flyte register` was given serialized packages (`.tgz` / `.tar` archives, or folders
 * holding `.pb` files, as `flyte serialize` and `pyflyte package` write them) rather than code
 * (files, or folders of modules). Mixing the two is an error.
 */
export function isPbPackage(paths: readonly string[]): boolean {
  const isPackage = (p: string): boolean => ARCHIVE.test(p) || (isDirectory(p) && holdsPbFiles(p));
  const packages = paths.filter(isPackage);
  if (packages.length > 0 && packages.length < paths.length) {
    throw new Error(`flyte register takes either code files or serialized packages (folders, .tgz), not both: ${paths.join(", ")}`);
  }
  return paths.length > 0 && packages.length === paths.length;
}

/** A folder of serialized entities has `.pb` files at its top level; a code folder has none. */
function holdsPbFiles(dir: string): boolean {
  return readdirSync(dir).some((name) => name.endsWith(".pb"));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Reads a package folder or archive. @throws Error naming the file that cannot be read. */
export function readPbPackage(path: string): PbPackage {
  const files: { name: string; bytes: Uint8Array }[] = isDirectory(path)
    ? listFiles(path).map((f) => ({ name: relative(path, f), bytes: readFileSync(f) }))
    : readTar(readFileSync(path), path).map((e) => ({ name: e.name.replace(/^\/+/, ""), bytes: e.bytes }));
  const hash = createHash("sha256");
  const entities: PackageEntity[] = [];
  let sourceArchive: PbPackage["sourceArchive"];
  for (const file of files.sort((a, b) => compareNatural(a.name, b.name))) {
    const base = basename(file.name);
    if (/^fast.*\.tar\.gz$/.test(base)) {
      sourceArchive = { name: base, bytes: file.bytes };
      continue;
    }
    if (!base.endsWith(".pb")) continue;
    const kind = KINDS.find((k) => base.endsWith(k.suffix));
    if (kind === undefined) {
      throw new Error(`${join(path, file.name)}: cannot tell what it holds; serialized entities end in _1.pb (task), _2.pb (workflow) or _3.pb (launch plan)`);
    }
    hash.update(file.name).update(file.bytes);
    const where = join(path, file.name);
    entities.push({ kind: kind.kind, file: where, spec: decode(kind.schema, file.bytes, where, kind.label) } as PackageEntity);
  }
  if (entities.length === 0) throw new Error(`${path} holds no serialized entities (*_1.pb, *_2.pb, *_3.pb); write them with 'flyte serialize FILE --out DIR'`);
  return { entities, sha256: hash.digest("hex"), ...(sourceArchive === undefined ? {} : { sourceArchive }) };
}

function decode<T extends DescMessage>(schema: T, bytes: Uint8Array, where: string, label: string): unknown {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new Error(`${where} is not a valid ${label}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? listFiles(full) : e.isFile() ? [full] : [];
  });
}

/** `2_a` before `10_a`: numbers compare by value, as the files' prefixes mean. */
function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** Fills an identifier's empty or placeholder project, domain and version (flytectl's hydration). */
export function hydrateId(id: Identifier | undefined, target: HydrationTarget): void {
  if (id === undefined) return;
  const fill = (value: string, key: string, by: string): string =>
    value === "" || new RegExp(`^\\{\\{\\s*registration\\.${key}\\s*\\}\\}$`).test(value) ? by : value;
  id.project = fill(id.project, "project", target.project);
  id.domain = fill(id.domain, "domain", target.domain);
  id.version = fill(id.version, "version", target.version);
}

/** Hydrates every identifier of an entity, and a task's container args, in place. */
export function hydrateEntity(entity: PackageEntity, target: HydrationTarget): void {
  switch (entity.kind) {
    case "task": {
      const template = entity.spec.template;
      hydrateId(template?.id, target);
      if (template?.target.case === "container") {
        const container = template.target.value;
        container.args = container.args.map((arg) => hydrateArg(arg, target, template.id?.name ?? entity.file));
      }
      return;
    }
    case "workflow":
      if (entity.spec.template !== undefined) hydrateWorkflow(entity.spec.template, target);
      for (const sub of entity.spec.subWorkflows) hydrateWorkflow(sub, target);
      return;
    case "launchPlan":
      hydrateId(entity.spec.id, target);
      hydrateId(entity.spec.spec?.workflowId, target);
      return;
  }
}

function hydrateArg(arg: string, target: HydrationTarget, task: string): string {
  let out = arg.replace(/\{\{\s*\.dest_dir\s*\}\}/g, target.destDir ?? ".");
  if (/\{\{\s*\.remote_package_path\s*\}\}/.test(out)) {
    if (target.packageUrl === undefined) {
      throw new Error(`task ${task} is fast-registered ({{ .remote_package_path }} in its args), but the package has no fast*.tar.gz source archive to upload`);
    }
    out = out.replace(/\{\{\s*\.remote_package_path\s*\}\}/g, target.packageUrl);
  }
  return out;
}

function hydrateWorkflow(template: WorkflowTemplate, target: HydrationTarget): void {
  hydrateId(template.id, target);
  const visit = (node: Node | undefined): void => {
    if (node === undefined) return;
    const t = node.target;
    if (t.case === "taskNode" && t.value.reference.case === "referenceId") hydrateId(t.value.reference.value, target);
    else if (t.case === "workflowNode") hydrateId(t.value.reference.value, target);
    else if (t.case === "arrayNode") visit(t.value.node);
    else if (t.case === "branchNode" && t.value.ifElse !== undefined) {
      const ifElse = t.value.ifElse;
      visit(ifElse.case?.thenNode);
      for (const block of ifElse.other) visit(block.thenNode);
      if (ifElse.default.case === "elseNode") visit(ifElse.default.value);
    }
  };
  template.nodes.forEach(visit);
  visit(template.failureNode);
}

/** The identifier an entity registers under. */
export function entityId(entity: PackageEntity): Identifier | undefined {
  return entity.kind === "launchPlan" ? entity.spec.id : entity.spec.template?.id;
}

/**
 * Hydrates and registers every entity of `pkg` on `remote` under `version`, creating the project
 * when the server lacks it and uploading the package's fast-register archive when it has one.
 * An identical entity registered again is accepted (the server's rule).
 */
export async function registerPbPackage(remote: Remote, pkg: PbPackage, version: string): Promise<void> {
  await ensureProject(remote);
  let packageUrl: string | undefined;
  if (pkg.sourceArchive !== undefined) packageUrl = await uploadFile(remote, pkg.sourceArchive.name, pkg.sourceArchive.bytes, pkg.sourceArchive.name);
  const target: HydrationTarget = { project: remote.project, domain: remote.domain, version, ...(packageUrl === undefined ? {} : { packageUrl }) };
  for (const entity of pkg.entities) hydrateEntity(entity, target);
  for (const entity of pkg.entities) await registerEntity(remote, entity);
}

async function registerEntity(remote: Remote, entity: PackageEntity): Promise<void> {
  const id = entityId(entity);
  const what = { task: "task", workflow: "workflow", launchPlan: "launch plan" }[entity.kind];
  try {
    if (entity.kind === "task") await remote.admin.createTask({ id, spec: entity.spec });
    else if (entity.kind === "workflow") await remote.admin.createWorkflow({ id, spec: entity.spec });
    else await remote.admin.createLaunchPlan({ id, spec: entity.spec.spec });
  } catch (err) {
    if (isAlreadyExists(err)) throw new Error(`${what} ${id?.name ?? "?"} version ${id?.version ?? "?"} (${entity.file}) already exists with a different spec; use a new --version`, { cause: err });
    throw new Error(`could not register ${what} ${id?.name ?? "?"} from ${entity.file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

