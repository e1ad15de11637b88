/**
 * Native values as JSON: dates as ISO strings, `undefined` as null, files, directories and
 * dataframes as their URIs.
 */

/** Converts a native output value to something `JSON.stringify` prints faithfully. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toJsonValue);
  // FlyteFile, FlyteDirectory and StructuredDataset print as their URI.
  if (typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return (value as { toJSON(): unknown }).toJSON();
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
