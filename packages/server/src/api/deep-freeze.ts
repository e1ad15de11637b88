/**
 * Deep freezing of decoded messages that many callers share (a cached launch plan's closure and
 * default inputs): a caller that modified one would change every execution created after it, so
 * such a write must fail loudly (a TypeError in strict-mode modules) instead.
 */

/**
 * Freezes `value` and everything reachable from it, except byte arrays (which cannot be
 * frozen; nothing writes to the `bytes` fields of shared messages). Returns `value`.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}
