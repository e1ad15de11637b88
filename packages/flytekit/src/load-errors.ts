/**
 * A file that fails to load, reported at the code: the error, `file:line:column`, and a few
 * lines of the source with a caret under the position. Handles syntax errors (Node prints their
 * line and a caret, not a column), imports of missing modules or exports, and errors thrown
 * while a module's top level runs.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pointAt, type CodePosition } from "./code-frame.ts";
import { FlyteError } from "./errors.ts";
import { userFrames } from "./stack-frames.ts";

/** The error for `shown` (as the user named it) failing to import with `err`. */
export function loadError(shown: string, err: unknown): FlyteError {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const at = err instanceof Error ? positionOf(err) : undefined;
  return new FlyteError("E_LOAD", `could not load ${shown}: ${what}${at !== undefined ? pointAt(at) : ""}`, { cause: err });
}

/** Where `err` points in the user's code, if anywhere. */
export function positionOf(err: Error): CodePosition | undefined {
  return syntaxPosition(err) ?? missingModulePosition(err) ?? thrownPosition(err);
}

/**
 * Syntax errors (and unsupported TypeScript syntax, and missing named exports) carry a header
 * before the message: `file:///x.ts:3`, the source line(s), then a line of carets.
 */
function syntaxPosition(err: Error): CodePosition | undefined {
  const stack = err.stack ?? "";
  const header = /^(file:\/\/\S+?|\/\S+?):(\d+)\n/.exec(stack);
  if (header === null) return undefined;
  const file = header[1]!.startsWith("file://") ? fileURLToPath(header[1]!) : header[1]!;
  const lines = stack.slice(header[0].length).split("\n");
  const caretIndex = lines.findIndex((l) => /^\s*\^+\s*$/.test(l));
  const column = caretIndex === -1 ? 1 : lines[caretIndex]!.indexOf("^") + 1;
  return { file, line: Number(header[2]), column };
}

/** `Cannot find module '/abs/x.ts' imported from /abs/y.ts` (or a package): the import in y.ts. */
function missingModulePosition(err: Error): CodePosition | undefined {
  const m = /Cannot find (?:module|package) '([^']+)' imported from (\S+)/.exec(err.message);
  if (m === null) return undefined;
  const missing = m[1]!;
  const importer = m[2]!.startsWith("file://") ? fileURLToPath(m[2]!) : m[2]!;
  let source: string;
  try {
    source = readFileSync(importer, "utf8");
  } catch {
    return undefined;
  }
  const specifier = /(?:from\s*|import\s*\(?\s*)(["'])([^"']+)\1/g;
  for (const hit of source.matchAll(specifier)) {
    const spec = hit[2]!;
    const matches = spec.startsWith(".") ? resolve(dirname(importer), spec) === missing : spec === missing || spec.startsWith(`${missing}/`);
    if (!matches) continue;
    const offset = hit.index + hit[0].indexOf(spec) - 1;
    const before = source.slice(0, offset);
    const line = before.split("\n").length;
    return { file: importer, line, column: offset - before.lastIndexOf("\n") };
  }
  return { file: importer, line: 1, column: 1 };
}

/** An error thrown while a module ran: its innermost frame in user code. */
function thrownPosition(err: Error): CodePosition | undefined {
  const frame = userFrames(err.stack)[0];
  return frame === undefined ? undefined : { file: frame.file, line: frame.line, column: frame.column };
}
