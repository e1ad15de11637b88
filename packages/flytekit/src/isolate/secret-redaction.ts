/**
 * Secret values read in this thread, so that what an attempt prints can be redacted before it
 * leaves the thread. Kept on a global symbol: a worker's copy of flytekit redacts what the code
 * bundle's copy read.
 */

const KEY = Symbol.for("flytekit.secret-values");
/** Shorter values would redact ordinary words; they are not remembered. */
const MIN_LENGTH = 4;

function values(): Set<string> {
  const holder = globalThis as { [KEY]?: Set<string> };
  return (holder[KEY] ??= new Set());
}

/** Remembers `value` as a secret; returns it. */
export function rememberSecret(value: string): string {
  if (value.length >= MIN_LENGTH) values().add(value);
  return value;
}

/** `text` with every remembered secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const value of values()) if (out.includes(value)) out = out.split(value).join("[redacted]");
  return out;
}
