/**
 * Fields decoded on first read. Records read from the database carry encoded messages (a
 * workflow closure is megabytes for 5,000 nodes, a map's inputs a list of 1,000 literals) that
 * most readers never look at: `GetExecution`, polled every millisecond by some clients, shows
 * neither. One helper for every such field, so each keeps the same behaviour: enumerable like
 * the plain field it stands for, decoded once, and replaceable by assignment.
 */

/**
 * Defines `record[key]` as `decode()`, called on the first read only (its result is kept).
 * Assigning the field replaces the value without decoding. Returns `record`, typed with the field.
 *
 * @example
 * const record = defineLazy({ executionId }, "closure", () => fromBinary(CompiledWorkflowClosureSchema, bytes));
 */
export function defineLazy<T extends object, K extends PropertyKey, V>(record: T, key: K, decode: () => V): T & { [P in K]: V } {
  // A box, so a decoded `undefined` counts as decoded too.
  let kept: { readonly value: V } | undefined;
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get: () => (kept ??= { value: decode() }).value,
    set: (value: V) => {
      kept = { value };
    },
  });
  return record as T & { [P in K]: V };
}
