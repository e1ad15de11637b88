/**
 * Maps stack frames of a code bundle back to the user's files, lazily: a bundle carries an inline
 * source map, read only when an error is formatted (enabling Node's source maps instead would make
 * every bundle import parse its map up front — about twice the import time).
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import type { StackFrame } from "./stack-frames.ts";

const maps = new Map<string, SourceMap | undefined>();
const INLINE = /\n\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** The inline source map of `file`, if it has one (cached, failures included). */
function mapOf(file: string): SourceMap | undefined {
  if (maps.has(file)) return maps.get(file);
  let map: SourceMap | undefined;
  try {
    // Bundles are written by `flyte register`; other files rarely end with an inline map.
    if (/\.mjs$/.test(file)) {
      const text = readFileSync(file, "utf8");
      const m = INLINE.exec(text.slice(-Math.min(text.length, 8 * 1024 * 1024)));
      if (m !== null) map = new SourceMap(JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as ConstructorParameters<typeof SourceMap>[0]);
    }
  } catch {
    map = undefined;
  }
  maps.set(file, map);
  return map;
}

/** `frame` in the original source when its file is a bundle with a source map; else `frame`. */
export function originalFrame(frame: StackFrame): StackFrame {
  const map = mapOf(frame.file);
  if (map === undefined) return frame;
  const entry = map.findEntry(frame.line - 1, frame.column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return frame;
  let file = entry.originalSource;
  try {
    if (file.startsWith("file://")) file = fileURLToPath(file);
  } catch {
    // Keep the URL as it is.
  }
  const name = /^(.*?) \(/.exec(frame.text)?.[1];
  const line = entry.originalLine + 1;
  const column = entry.originalColumn + 1;
  return { file, line, column, text: name !== undefined ? `${name} (${file}:${line}:${column})` : `${file}:${line}:${column}` };
}
