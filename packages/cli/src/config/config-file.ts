/**
 * Reading a Flyte config file (`~/.flyte/config.yaml`, flytectl's format): `admin.endpoint`,
 * `admin.insecure`, and flytectl's top-level `project` and `domain`. Other keys flytectl and
 * pyflyte write (auth, logger, storage, console) are accepted and ignored, so one file serves
 * every tool; anything else is an error naming the file and line, since a typo such as
 * `admin.endpiont` would otherwise silently send commands to the default server.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import type { Node, Pair } from "yaml";

let yamlModule: typeof Yaml | undefined;

/**
 * The yaml package, loaded when a config file is first parsed: it is some seventy modules, and
 * a command run without a config file (the default endpoint, or flags) need not load them.
 */
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof Yaml);
}

/** A value read from the file, with the line it is on (1-based). */
export interface ConfigValue<T> {
  readonly value: T;
  readonly line: number;
}

/** What a config file sets. */
export interface ConfigFile {
  readonly path: string;
  readonly endpoint?: ConfigValue<string>;
  readonly insecure?: ConfigValue<boolean>;
  readonly project?: ConfigValue<string>;
  readonly domain?: ConfigValue<string>;
}

/** A config file that cannot be used; the message names the file and line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

// Keys of flytectl's and flytekit's config that this CLI does not use but must not reject.
const IGNORED_ADMIN_KEYS = new Set([
  "authType",
  "insecureSkipVerify",
  "caCertFilePath",
  "clientId",
  "clientSecretLocation",
  "clientSecretEnvVar",
  "scopes",
  "command",
  "proxyCommand",
  "audience",
  "authorizationServerUrl",
  "tokenUrl",
  "pkceConfig",
  "deviceFlowConfig",
  "maxRetries",
  "perRetryTimeout",
  "maxBackoffDelay",
  "maxMessageSizeBytes",
  "useAuth",
  "defaultServiceConfig",
  "httpProxyURL",
]);
const IGNORED_SECTIONS = new Set(["logger", "storage", "console", "files", "images", "platform", "auth", "secrets", "task", "sdk", "output"]);

/** Reads and checks the config file at `path`. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ENOENT") throw new ConfigError(`config file ${path} does not exist; write one with 'flyte config init --config ${path}'`);
    throw new ConfigError(`cannot read config file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseConfig(text, path);
}

/** Parses the text of a config file; `path` names it in errors. */
export function parseConfig(text: string, path: string): ConfigFile {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range == null ? 1 : lines.linePos(node.range[0]).line);
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigError(`${path}:${line}: not valid YAML: ${first.message.split("\n")[0] ?? ""}`);
  }
  const config: { -readonly [K in keyof ConfigFile]: ConfigFile[K] } = { path };
  if (doc.contents === null) return config; // an empty file sets nothing
  if (!yaml().isMap(doc.contents)) throw new ConfigError(`${path}:${lineOf(doc.contents)}: a config file is a map of sections such as 'admin:'`);
  for (const pair of doc.contents.items as Pair<Node, Node | null>[]) {
    const key = keyText(pair, path, lineOf);
    const at = lineOf(pair.key);
    switch (key) {
      case "admin": {
        if (pair.value === null || yaml().isScalar(pair.value)) {
          if (pair.value === null || pair.value.value === null) continue;
          throw new ConfigError(`${path}:${at}: 'admin' must be a map with 'endpoint' and 'insecure'`);
        }
        if (!yaml().isMap(pair.value)) throw new ConfigError(`${path}:${at}: 'admin' must be a map with 'endpoint' and 'insecure'`);
        for (const inner of pair.value.items as Pair<Node, Node | null>[]) {
          const name = keyText(inner, path, lineOf);
          const line = lineOf(inner.key);
          if (name === "endpoint") config.endpoint = { value: stringOf(inner.value, `${path}:${line}: admin.endpoint`), line };
          else if (name === "insecure") config.insecure = { value: booleanOf(inner.value, `${path}:${line}: admin.insecure`), line };
          else if (!IGNORED_ADMIN_KEYS.has(name)) throw unknownKey(path, line, `admin.${name}`);
        }
        break;
      }
      case "project":
        config.project = { value: stringOf(pair.value, `${path}:${at}: project`), line: at };
        break;
      case "domain":
        config.domain = { value: stringOf(pair.value, `${path}:${at}: domain`), line: at };
        break;
      default:
        if (!IGNORED_SECTIONS.has(key)) throw unknownKey(path, at, key);
    }
  }
  return config;
}

function keyText(pair: Pair<Node, Node | null>, path: string, lineOf: (n: Node | null | undefined) => number): string {
  if (!yaml().isScalar(pair.key) || typeof pair.key.value !== "string") throw new ConfigError(`${path}:${lineOf(pair.key)}: keys must be plain names`);
  return pair.key.value;
}

function unknownKey(path: string, line: number, key: string): ConfigError {
  return new ConfigError(`${path}:${line}: unknown key '${key}'; flyte reads admin.endpoint, admin.insecure, project and domain`);
}

function stringOf(node: Node | null, what: string): string {
  const value = yaml().isScalar(node) ? node.value : undefined;
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number") return String(value);
  throw new ConfigError(`${what} must be a non-empty string`);
}

function booleanOf(node: Node | null, what: string): boolean {
  const value = yaml().isScalar(node) ? node.value : undefined;
  if (typeof value === "boolean") return value;
  throw new ConfigError(`${what} must be true or false`);
}
