/**
 * `flyte config init | show`: writes a config file in Flyte's format (flytectl and pyflyte read
 * the same file), and shows the settings remote commands would use and where each came from.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";
import { parseArgs, UsageError } from "../args.ts";
import { checkId, configPathOf, DEFAULT_DOMAIN, DEFAULT_ENDPOINT, DEFAULT_PROJECT, flyteEndpointOf, resolveConfig } from "../config/resolve.ts";
import { table } from "../remote/executions.ts";

/** Usage text of `flyte config`. */
export const CONFIG_USAGE = `usage: flyte config init [--endpoint URL] [--project P] [--domain D] [--config FILE] [--force]
       flyte config show [--endpoint URL] [--project P] [--domain D] [--config FILE] [--json]

  init   writes a config file (default ~/.flyte/config.yaml, or $FLYTE_CONFIG, or --config FILE)
         in Flyte's format: admin.endpoint as dns:///host:port with admin.insecure (http) or
         not (https), and the default project and domain (top-level keys, as flytectl reads
         them). Defaults: ${DEFAULT_ENDPOINT}, ${DEFAULT_PROJECT}, ${DEFAULT_DOMAIN}. Refuses to
         replace an existing file without --force.
  show   prints the endpoint, project and domain remote commands use, and where each comes
         from: a flag, FLYTE_ENDPOINT / FLYTE_PROJECT / FLYTE_DOMAIN, the file (FILE:LINE), or
         the default. --json prints {"endpoint": {"value", "from"}, ..., "file"}.`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Runs the command; returns the exit code. */
export function configCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "force", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${CONFIG_USAGE}\n`);
    return Promise.resolve(0);
  }
  const [what, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  for (const name of args.options.keys()) {
    if (!["endpoint", "project", "domain", "config"].includes(name)) throw new UsageError(`unknown option --${name}`);
  }
  switch (what) {
    case "init":
      return Promise.resolve(init(args.options, args.flags.has("force"), io));
    case "show":
      return Promise.resolve(show(args.options, args.flags.has("json"), io));
    case undefined:
      throw new UsageError("flyte config needs a subcommand: init or show");
    default:
      throw new UsageError(`flyte config has no subcommand '${what}'; use init or show`);
  }
}

function init(options: ReadonlyMap<string, readonly string[]>, force: boolean, io: Io): number {
  const { path } = configPathOf(options, process.env);
  if (existsSync(path) && !force) throw new Error(`${path} exists already; pass --force to replace it`);
  const { endpoint, insecure } = flyteEndpointOf(options.get("endpoint")?.at(-1) ?? DEFAULT_ENDPOINT);
  const project = options.get("project")?.at(-1) ?? DEFAULT_PROJECT;
  const domain = options.get("domain")?.at(-1) ?? DEFAULT_DOMAIN;
  checkId("project", { value: project, from: "--project" });
  checkId("domain", { value: domain, from: "--domain" });
  const text =
    "# Written by `flyte config init`. flyte, flytectl and pyflyte read this file.\n" +
    "# admin.endpoint: the server, as dns:///host:port; admin.insecure: true for http, false for https.\n" +
    "# project, domain: the defaults of --project and --domain.\n" +
    stringify({ admin: { endpoint, insecure }, project, domain });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  // Read it back through the same resolver commands use, so what is written is known to load.
  resolveConfig(new Map([["config", [path]]]), {});
  io.stdout.write(`wrote ${path}\n`);
  return 0;
}

function show(options: ReadonlyMap<string, readonly string[]>, json: boolean, io: Io): number {
  const config = resolveConfig(options);
  if (json) {
    io.stdout.write(`${JSON.stringify({ endpoint: config.endpoint, project: config.project, domain: config.domain, file: config.file ?? null })}\n`);
    return 0;
  }
  const rows = (["endpoint", "project", "domain"] as const).map((k) => [k, config[k].value, config[k].from]);
  io.stdout.write(`${table(["SETTING", "VALUE", "FROM"], rows)}\n`);
  io.stdout.write(`config file: ${config.file ?? `none (${configPathOf(options, process.env).path} does not exist)`}\n`);
  return 0;
}
