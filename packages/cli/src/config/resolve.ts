/**
 * The settings every remote command uses — endpoint, project, domain — resolved from, in order:
 * a flag (`--endpoint`), the environment (`FLYTE_ENDPOINT`, `FLYTE_PROJECT`, `FLYTE_DOMAIN`), the
 * config file (`--config FILE`, else `FLYTE_CONFIG`, else `~/.flyte/config.yaml` when it exists),
 * and the built-in defaults. Each setting remembers where it came from, for `flyte config show`
 * and for errors.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, readConfigFile, type ConfigFile } from "./config-file.ts";

/** The server `flyte start` runs by default. */
export const DEFAULT_ENDPOINT = "http://127.0.0.1:30080";
/** Flyte's default project and domain (the sandbox's). */
export const DEFAULT_PROJECT = "flytesnacks";
export const DEFAULT_DOMAIN = "development";

/** One resolved setting and where it came from (`--endpoint`, `FLYTE_DOMAIN`, `FILE:LINE`, `default`). */
export interface Setting {
  readonly value: string;
  readonly from: string;
}

/** Resolved settings of a remote command. */
export interface ResolvedConfig {
  /** An http(s) URL without a trailing slash. */
  readonly endpoint: Setting;
  readonly project: Setting;
  readonly domain: Setting;
  /** The config file read, if any. */
  readonly file: string | undefined;
}

/** `~/.flyte/config.yaml`, where flytectl and pyflyte look first. */
export function defaultConfigPath(): string {
  return join(homedir(), ".flyte", "config.yaml");
}

/**
 * The config file to read: `--config`, else `FLYTE_CONFIG`, else the default path. `explicit`
 * files must exist; the default one is optional.
 */
export function configPathOf(options: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  const flag = options.get("config")?.at(-1);
  if (flag !== undefined) return { path: resolve(flag), explicit: true };
  const fromEnv = nonEmpty(env["FLYTE_CONFIG"]);
  if (fromEnv !== undefined) return { path: resolve(fromEnv), explicit: true };
  return { path: defaultConfigPath(), explicit: false };
}

/** Resolves endpoint, project and domain for a command given `options`. */
export function resolveConfig(options: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const { path, explicit } = configPathOf(options, env);
  const file: ConfigFile | undefined = explicit || existsSync(path) ? readConfigFile(path) : undefined;
  const insecure = file?.insecure?.value;
  const pick = (flag: string, envName: string, fromFile: { value: string; line: number } | undefined, fallback: string): Setting => {
    const given = options.get(flag)?.at(-1);
    if (given !== undefined) return { value: given, from: `--${flag}` };
    const fromEnv = nonEmpty(env[envName]);
    if (fromEnv !== undefined) return { value: fromEnv, from: envName };
    if (fromFile !== undefined) return { value: fromFile.value, from: `${path}:${fromFile.line}` };
    return { value: fallback, from: "default" };
  };
  const rawEndpoint = pick("endpoint", "FLYTE_ENDPOINT", file?.endpoint, DEFAULT_ENDPOINT);
  const endpoint = { value: endpointUrl(rawEndpoint.value, insecure, rawEndpoint.from), from: rawEndpoint.from };
  const project = pick("project", "FLYTE_PROJECT", file?.project, DEFAULT_PROJECT);
  const domain = pick("domain", "FLYTE_DOMAIN", file?.domain, DEFAULT_DOMAIN);
  checkId("project", project);
  checkId("domain", domain);
  return { endpoint, project, domain, file: file?.path };
}

/**
 * The endpoint from `--endpoint` or `FLYTE_ENDPOINT` alone, for `flyte worker`: the workers
 * `flyte start` spawns get their endpoint as a flag, and a user's config file (even a broken
 * one) must not decide where they lease from.
 */
export function endpointWithoutConfig(options: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv = process.env): string {
  const flag = options.get("endpoint")?.at(-1);
  if (flag !== undefined) return endpointUrl(flag, true, "--endpoint");
  const fromEnv = nonEmpty(env["FLYTE_ENDPOINT"]);
  return fromEnv === undefined ? DEFAULT_ENDPOINT : endpointUrl(fromEnv, true, "FLYTE_ENDPOINT");
}

/** Throws unless a project or domain id is well formed (Flyte's ids are DNS-label-like). */
export function checkId(what: "project" | "domain", setting: Setting): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/.test(setting.value)) throw new ConfigError(`${what} '${setting.value}' (from ${setting.from}) may only use letters, digits, '-' and '_'`);
}

/**
 * An endpoint as an http(s) URL. Flyte writes `dns:///host:port` (gRPC's resolver syntax); a
 * plain `host:port` gets `http://` when `insecure` is true, else `https://` (Flyte's default).
 */
export function endpointUrl(text: string, insecure: boolean | undefined, from = "--endpoint"): string {
  let value = text.trim().replace(/\/+$/, "");
  const dns = /^dns:(?:\/\/[^/]*\/)?(.*)$/.exec(value);
  if (dns !== null) value = dns[1]!;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = `${insecure === true ? "http" : "https"}://${value}`;
  if (!/^https?:\/\/[^/\s]+$/.test(value)) {
    throw new ConfigError(`endpoint '${text}' (from ${from}) is not a server address: use dns:///host:port, host:port or ${DEFAULT_ENDPOINT}`);
  }
  return value;
}

/** The same endpoint in Flyte's config syntax: `dns:///host:port` and whether it is insecure. */
export function flyteEndpointOf(url: string): { endpoint: string; insecure: boolean } {
  const u = new URL(endpointUrl(url, true));
  return { endpoint: `dns:///${u.host}`, insecure: u.protocol === "http:" };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
