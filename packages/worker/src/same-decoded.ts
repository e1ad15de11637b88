/**
 * Whether two messages that protobuf-es decoded (`fromBinary`) hold the same values. Decoded
 * messages of one schema have the same own properties (every field is set, to its zero value when
 * absent on the wire; a oneof is `{ case, value }`; a map is a plain object; bytes are
 * `Uint8Array`s; 64-bit integers are `bigint`s), so a walk over their own properties answers what
 * protobuf-es's reflective `equals` answers, at about a fifth of its CPU: the worker compares each
 * session message's template with its task's last one (task-encoding.ts), once per step of a
 * chain. A difference it might not see as one (two NaNs) only costs an encode; it never takes two
 * different messages for equal.
 */
export function sameDecoded(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  if (b instanceof Uint8Array) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameDecoded(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !sameDecoded((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
