/**
 * Secrets a task declared (`secrets: [{ group, key }]`), read while it runs with
 * `currentContext().secrets.get(group, key)`. Looked up as flytekit does, in the environment of
 * the process running the attempt (the worker's, or your shell's for local runs):
 *
 * 1. the variable `_FSEC_<GROUP>_<KEY>` (upper case; `_FSEC_<GROUP>` without a key; the prefix
 *    is `$FLYTE_SECRETS_ENV_PREFIX` when set);
 * 2. the file `<dir>/<group>/<key>` (also tried in lower case), where `<dir>` is
 *    `$FLYTE_SECRETS_DEFAULT_DIR` (default `/etc/secrets`); a trailing newline is dropped.
 *
 * Values read are remembered (per thread) so that a worker can redact them from attempt logs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FlyteError } from "./errors.ts";
import { rememberSecret } from "./isolate/secret-redaction.ts";
import type { Secret } from "./task-options.ts";

/** The secrets of the running task (`currentContext().secrets`). */
export interface SecretStore {
  /**
   * The value of a declared secret.
   *
   * @throws FlyteError E_SECRET when the task did not declare it or it is found nowhere.
   */
  get(group: string, key?: string): string;
}

/** The lookup of {@link SecretStore} for `taskName`, which declared `declared`. */
export function secretStoreFor(taskName: string, declared: readonly Secret[], env: NodeJS.ProcessEnv = process.env): SecretStore {
  return {
    get(group: string, key?: string): string {
      const label = key === undefined ? group : `${group}/${key}`;
      if (!declared.some((s) => s.group === group && s.key === key)) {
        const known = declared.map((s) => (s.key === undefined ? s.group : `${s.group}/${s.key}`)).join(", ") || "none";
        throw new FlyteError("E_SECRET", `task '${taskName}' reads secret '${label}', which it did not declare (declared: ${known}); add { group: ${JSON.stringify(group)}${key !== undefined ? `, key: ${JSON.stringify(key)}` : ""} } to its secrets option.`);
      }
      const variable = `${env["FLYTE_SECRETS_ENV_PREFIX"] ?? "_FSEC_"}${group.toUpperCase()}${key !== undefined ? `_${key.toUpperCase()}` : ""}`;
      const fromEnv = env[variable];
      if (fromEnv !== undefined) return rememberSecret(fromEnv);
      const dir = env["FLYTE_SECRETS_DEFAULT_DIR"] ?? "/etc/secrets";
      const files = [join(dir, group, key ?? ""), join(dir, group.toLowerCase(), (key ?? "").toLowerCase())];
      for (const file of files) {
        try {
          return rememberSecret(readFileSync(file, "utf8").replace(/\r?\n$/, ""));
        } catch {
          // not there: try the next place
        }
      }
      throw new FlyteError("E_SECRET", `task '${taskName}': secret '${label}' was not found: set the environment variable ${variable} or write the file ${files[0]} where the task runs (the secrets folder is $FLYTE_SECRETS_DEFAULT_DIR, or the worker's --secrets-dir).`);
    },
  };
}
