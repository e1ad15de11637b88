/**
 * Short code frames for errors that point at the user's code: a few numbered source lines with
 * a caret under the column.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";

/** A position in a file: 1-based line and column. */
export interface CodePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** `file` as the user most likely wants to read it: relative to the current directory when inside it. */
export function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** `src/wf.ts:3:45`. */
export function positionText(at: CodePosition): string {
  return `${shownPath(at.file)}:${at.line}:${at.column}`;
}

/**
 * The lines around `at` (two before, one after), numbered, with `>` on the line and a caret
 * under the column; "" when the file cannot be read.
 */
export function codeFrame(at: CodePosition): string {
  let source: string;
  try {
    source = readFileSync(at.file, "utf8");
  } catch {
    return "";
  }
  const lines = source.split(/\r?\n/);
  if (at.line < 1 || at.line > lines.length) return "";
  const first = Math.max(1, at.line - 2);
  const last = Math.min(lines.length, at.line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === at.line ? ">" : " "} ${String(n).padStart(width)} | ${lines[n - 1] ?? ""}`);
    if (n === at.line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, at.column - 1))}^`);
  }
  return out.join("\n");
}

/** `position` and its code frame, for the end of a message. */
export function pointAt(at: CodePosition): string {
  const frame = codeFrame(at);
  return `\n  at ${positionText(at)}${frame !== "" ? `\n\n${frame}` : ""}`;
}
