/**
 * The local cache: task outputs on disk, one file per cache key, under the user's cache folder
 * (`$XDG_CACHE_HOME/flyte/local-cache`, else `~/.cache/flyte/local-cache`), so results survive
 * between `flyte run`s. Keys are the engine's (executor/cache-key.ts), the same as the server's.
 *
 * Set `FLYTE_LOCAL_CACHE=off` (or `false`, `0`) to disable it; `flyte run --no-cache` and
 * `--overwrite-cache` do the same per run. Delete the folder to clear it.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { nodeCrypto } from "../node-builtins.ts";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CacheKey, Catalog, Reservation } from "@flyte/engine";

/** The folder of the local cache, from the environment. */
export function localCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env["XDG_CACHE_HOME"] !== undefined && env["XDG_CACHE_HOME"] !== "" ? env["XDG_CACHE_HOME"] : join(homedir(), ".cache");
  return join(base, "flyte", "local-cache");
}

/** Whether the environment leaves the local cache on (`FLYTE_LOCAL_CACHE` is not off/false/0). */
export function localCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env["FLYTE_LOCAL_CACHE"] ?? "").trim().toLowerCase();
  return !["off", "false", "0", "no"].includes(value);
}

/** What one cache file holds. */
interface Entry {
  readonly key: string;
  readonly storedAt: string;
  /** The outputs, as a base64 `flyteidl.core.LiteralMap`. */
  readonly outputs: string;
}

/** A {@link Catalog} in a folder: `<sha256 of the key>.json` per result, `.lock` per reservation. */
export class DiskCatalog implements Catalog {
  readonly dir: string;

  constructor(dir: string = localCacheDir()) {
    this.dir = dir;
  }

  async get(key: CacheKey): Promise<LiteralMap | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(key, "json"), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const entry = JSON.parse(text) as Entry;
    // A different key with the same file name would be a SHA-256 collision; treat it as a miss.
    if (entry.key !== key.id) return undefined;
    return fromBinary(LiteralMapSchema, Buffer.from(entry.outputs, "base64"));
  }

  async put(key: CacheKey, outputs: LiteralMap): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const entry: Entry = { key: key.id, storedAt: new Date().toISOString(), outputs: Buffer.from(toBinary(LiteralMapSchema, outputs)).toString("base64") };
    // Write then rename, so a reader never sees half a file.
    const temp = `${this.#path(key, "json")}.${nodeCrypto().randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, JSON.stringify(entry));
    await rename(temp, this.#path(key, "json"));
  }

  async getOrExtendReservation(key: CacheKey, ownerId: string, heartbeatMs: number, now: number): Promise<Reservation> {
    await mkdir(this.dir, { recursive: true });
    const path = this.#path(key, "lock");
    const expiresAt = now + heartbeatMs * 3;
    const mine = JSON.stringify({ ownerId, expiresAt });
    try {
      await writeFile(path, mine, { flag: "wx" });
      return { acquired: true, ownerId, expiresAt };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const held = JSON.parse(await readFile(path, "utf8").catch(() => "{}")) as { ownerId?: string; expiresAt?: number };
    if (held.ownerId !== ownerId && (held.expiresAt ?? 0) > now) {
      return { acquired: false, ownerId: held.ownerId ?? "", expiresAt: held.expiresAt ?? 0 };
    }
    await writeFile(path, mine);
    return { acquired: true, ownerId, expiresAt };
  }

  async releaseReservation(key: CacheKey, ownerId: string): Promise<void> {
    const path = this.#path(key, "lock");
    const held = JSON.parse(await readFile(path, "utf8").catch(() => "{}")) as { ownerId?: string };
    if (held.ownerId === ownerId) await rm(path, { force: true });
  }

  #path(key: CacheKey, extension: string): string {
    return join(this.dir, `${nodeCrypto().createHash("sha256").update(key.id).digest("hex")}.${extension}`);
  }
}
