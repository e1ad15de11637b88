/**
 * Values decoded (or compiled) from rows that never change, by key: registered versions, and the
 * recorded result of an attempt. Decoding a big one (a 5,000-node closure is megabytes) takes
 * hundreds of milliseconds, while the console asks for the same workflow on every execution page
 * of it and clients create many executions of one launch plan version. Least recently used first out, bounded by the encoded size of what is kept.
 */

/** Encoded bytes of the entries kept, at most (decoded, they take several times more). */
const MAX_BYTES = 16 * 1024 * 1024;

/** A bounded cache of values decoded from immutable rows; callers must not modify what they get. */
export class DecodedCache<V> {
  readonly #entries = new Map<string, { value: V; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** @param maxBytes encoded bytes kept at most. @default 16 MiB */
  constructor(maxBytes = MAX_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** How many values are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value under `key`, decoding and keeping it (`bytes`: its encoded size) when absent. */
  get(key: string, bytes: number, decode: () => V): V {
    return this.find(key) ?? this.keep(key, decode(), bytes);
  }

  /** The value under `key`, if kept (it becomes the most recently used). */
  find(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.value;
  }

  /** Drops the value under `key`, if kept (its row changed). */
  forget(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= old.bytes;
  }

  /** Keeps `value` under `key` (unless larger than the whole cache); returns it. */
  keep(key: string, value: V, bytes: number): V {
    if (bytes > this.#maxBytes) return value;
    const old = this.#entries.get(key);
    if (old !== undefined) {
      // Re-inserted below, so it becomes the most recently used.
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    return value;
  }
}
