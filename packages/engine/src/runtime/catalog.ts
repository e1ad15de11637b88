/**
 * The cache of task outputs (Flyte's "catalog"): what the engine asks of it, and an in-memory
 * implementation for tests and single-process use. Local runs plug in a disk cache; the server
 * plugs in a durable one. Keys are computed by the engine (executor/cache-key.ts) so every
 * implementation agrees on them.
 */
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/**
 * What happened with the cache for one node, named as flyteidl `core.CatalogCacheStatus`.
 * Recorded on the node's events.
 */
export type CacheStatus =
  | "CACHE_DISABLED"
  | "CACHE_MISS"
  | "CACHE_HIT"
  | "CACHE_POPULATED"
  | "CACHE_LOOKUP_FAILURE"
  | "CACHE_PUT_FAILURE"
  | "CACHE_SKIPPED"
  | "CACHE_EVICTED";

/**
 * The identity of one cached result, in the parts Flyte's datacatalog uses: a dataset
 * (project, domain, `flyte_task-<name>`, `<version>-<input signature>-<output signature>`) and
 * an artifact tag (`flyte_cached-<input hash>`).
 */
export interface CacheKey {
  readonly project: string;
  readonly domain: string;
  /** The task's name (without the `flyte_task-` prefix). */
  readonly taskName: string;
  /** The cache version (node override, else the task's `discoveryVersion`). */
  readonly cacheVersion: string;
  /** Hash of the task interface (input and output types), so a type change misses. */
  readonly signature: string;
  /** Hash of the inputs with ignored inputs dropped. */
  readonly inputsHash: string;
  /** All of the above in one string; equal keys have equal `id`s. */
  readonly id: string;
}

/** A reservation of a key, for cache-serialized tasks: one owner computes, the others wait. */
export interface Reservation {
  /** Whether `ownerId` holds the reservation now. */
  readonly acquired: boolean;
  /** The current holder. */
  readonly ownerId: string;
  /** Milliseconds since the epoch after which the holder loses it unless it extends it. */
  readonly expiresAt: number;
}

/**
 * A cache of task outputs. Methods may be synchronous or asynchronous; failures are reported as
 * CACHE_LOOKUP_FAILURE / CACHE_PUT_FAILURE and never fail the node.
 */
export interface Catalog {
  /** The stored outputs of `key`, or undefined on a miss. */
  get(key: CacheKey): Promise<LiteralMap | undefined> | LiteralMap | undefined;
  /** Stores (or replaces) the outputs of `key`. */
  put(key: CacheKey, outputs: LiteralMap): Promise<void> | void;
  /**
   * Takes the reservation of `key` for `ownerId` or extends it when `ownerId` already holds it;
   * an expired reservation of another owner is taken over. `now` is the engine's clock.
   */
  getOrExtendReservation(key: CacheKey, ownerId: string, heartbeatMs: number, now: number): Promise<Reservation> | Reservation;
  /** Gives the reservation up (no-op when `ownerId` does not hold it). */
  releaseReservation(key: CacheKey, ownerId: string): Promise<void> | void;
}

/** A catalog in memory: per process, lost on exit. */
export class MemoryCatalog implements Catalog {
  readonly #entries = new Map<string, LiteralMap>();
  readonly #reservations = new Map<string, { ownerId: string; expiresAt: number }>();

  /** Number of stored results. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: CacheKey): LiteralMap | undefined {
    return this.#entries.get(key.id);
  }

  put(key: CacheKey, outputs: LiteralMap): void {
    this.#entries.set(key.id, outputs);
  }

  getOrExtendReservation(key: CacheKey, ownerId: string, heartbeatMs: number, now: number): Reservation {
    const held = this.#reservations.get(key.id);
    if (held !== undefined && held.ownerId !== ownerId && held.expiresAt > now) {
      return { acquired: false, ownerId: held.ownerId, expiresAt: held.expiresAt };
    }
    // Flyte lets a reservation live for a few heartbeats, so one late extension does not lose it.
    const expiresAt = now + heartbeatMs * 3;
    this.#reservations.set(key.id, { ownerId, expiresAt });
    return { acquired: true, ownerId, expiresAt };
  }

  releaseReservation(key: CacheKey, ownerId: string): void {
    if (this.#reservations.get(key.id)?.ownerId === ownerId) this.#reservations.delete(key.id);
  }
}
