/**
 * `flyte register DIR | PKG.tgz ...`: registers serialized packages (from `flyte serialize` or
 * `pyflyte package`) as `flytectl register files` does. `register.ts` dispatches here when every
 * argument is a folder or an archive.
 */
import type { Remote } from "../remote/connection.ts";
import { derivedVersion } from "../remote/registration.ts";
import { entityId, readPbPackage, registerPbPackage } from "../remote/pb-package.ts";

/** Options of {@link registerPackagesCommand}. */
export interface RegisterPackagesOptions {
  /** @default derived from the packages' content, project and domain */
  readonly version?: string;
  /** Print `{"version", "registered": [{kind, name, file}]}` instead of lines. */
  readonly json?: boolean;
}

const LABELS = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;

/** Registers every package in `paths` on `remote`; returns the exit code. */
export async function registerPackagesCommand(
  remote: Remote,
  paths: readonly string[],
  options: RegisterPackagesOptions,
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  const packages = paths.map((p) => readPbPackage(p));
  const version = options.version ?? derivedVersion(packages.map((p) => p.sha256).join(","), remote.project, remote.domain);
  for (const pkg of packages) await registerPbPackage(remote, pkg, version);
  const entities = packages.flatMap((p) => p.entities);
  if (options.json === true) {
    const registered = entities.map((e) => ({ kind: e.kind, name: entityId(e)?.name ?? "", file: e.file }));
    io.stdout.write(`${JSON.stringify({ version, registered })}\n`);
    return 0;
  }
  for (const e of entities) io.stdout.write(`registered ${LABELS[e.kind].padEnd(11)} ${entityId(e)?.name ?? "?"}:${entityId(e)?.version ?? version}\n`);
  io.stdout.write(`${entities.length} entities registered in ${remote.project}/${remote.domain} under version ${version} on ${remote.endpoint}\n`);
  return 0;
}
