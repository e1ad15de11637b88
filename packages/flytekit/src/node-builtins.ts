/**
 * Node built-ins that most commands never use, loaded on their first use instead of with the
 * module that names them. Importing `node:crypto` costs a local run 15–25 ms of CPU (it loads its
 * X.509, key and WebCrypto modules), the stream modules a few more, and a local run of tasks that
 * pass plain values needs none of them: they serve files, uploads, caches and isolates.
 * `process.getBuiltinModule` is synchronous, so callers stay as they were.
 */

let crypto: ReturnType<typeof process.getBuiltinModule<"node:crypto">> | undefined;
let stream: ReturnType<typeof process.getBuiltinModule<"node:stream">> | undefined;
let streamPromises: ReturnType<typeof process.getBuiltinModule<"node:stream/promises">> | undefined;
let streamConsumers: ReturnType<typeof process.getBuiltinModule<"node:stream/consumers">> | undefined;

/**
 * `node:crypto`, loaded on first call.
 *
 * @example
 * const digest = nodeCrypto().createHash("sha256").update(text).digest("hex");
 */
export function nodeCrypto(): ReturnType<typeof process.getBuiltinModule<"node:crypto">> {
  return (crypto ??= process.getBuiltinModule("node:crypto"));
}

/**
 * `node:stream`, loaded on first call.
 *
 * @example
 * const out = new (nodeStream().PassThrough)();
 */
export function nodeStream(): ReturnType<typeof process.getBuiltinModule<"node:stream">> {
  return (stream ??= process.getBuiltinModule("node:stream"));
}

/**
 * `node:stream/promises`, loaded on first call.
 *
 * @example
 * await nodeStreamPromises().pipeline(source, createWriteStream(path));
 */
export function nodeStreamPromises(): ReturnType<typeof process.getBuiltinModule<"node:stream/promises">> {
  return (streamPromises ??= process.getBuiltinModule("node:stream/promises"));
}

/**
 * `node:stream/consumers`, loaded on first call.
 *
 * @example
 * const bytes = await nodeStreamConsumers().buffer(response);
 */
export function nodeStreamConsumers(): ReturnType<typeof process.getBuiltinModule<"node:stream/consumers">> {
  return (streamConsumers ??= process.getBuiltinModule("node:stream/consumers"));
}

/**
 * `bytes` random bytes as hex, without loading `node:crypto`: for names that must not collide
 * (local execution ids, temporary files), not for secrets. `Math.random` is seeded from the
 * OS's entropy per isolate.
 *
 * @example
 * const id = `l${randomHex(10)}`;
 */
export function randomHex(bytes: number): string {
  let out = "";
  for (let i = 0; i < bytes; i++) out += Math.floor(Math.random() * 256).toString(16).padStart(2, "0");
  return out;
}
