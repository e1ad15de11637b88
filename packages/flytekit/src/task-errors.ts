/**
 * How an error thrown inside a task is reported — locally, in the execution's error on the server
 * (a worker reports what the SDK returns) and so in the attempt's log: its message, then the
 * user's own stack frames. Frames of the SDK, the engine, dependencies and Node are left out;
 * `FLYTE_DEBUG=1` keeps the whole stack.
 */
import { originalFrame } from "./source-maps.ts";
import { parseFrame, isUserFrame } from "./stack-frames.ts";

/**
 * Where a bundle's source map puts the project's files (the CLI's bundle.ts): frames under it are
 * shown relative to the project root.
 */
const BUNDLE_ROOT = "/flyte-project/";

/** Whether full stacks are wanted (`FLYTE_DEBUG` set to anything but "" or "0"). */
export function debugEnabled(): boolean {
  const v = process.env["FLYTE_DEBUG"];
  return v !== undefined && v !== "" && v !== "0";
}

/**
 * The message of `err` followed by its user frames (`    at fn (src/wf.ts:4:9)`), or its whole
 * stack with FLYTE_DEBUG. The message alone when no frame is the user's.
 */
export function describeTaskError(err: Error): string {
  const stack = err.stack ?? "";
  if (debugEnabled() && stack !== "") return stack.startsWith(`${err.name}: `) ? stack.slice(err.name.length + 2) : stack;
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const parsed = parseFrame(line);
    const frame = parsed === undefined ? undefined : originalFrame(parsed);
    if (frame === undefined || !isUserFrame(frame)) continue;
    frames.push(`    at ${frame.text.split(`file://${frame.file}`).join(frame.file).split(frame.file).join(shown(frame.file))}`);
  }
  return frames.length === 0 ? err.message : `${err.message}\n${frames.join("\n")}`;
}

function shown(file: string): string {
  if (file.startsWith(BUNDLE_ROOT)) return file.slice(BUNDLE_ROOT.length);
  const cwd = `${process.cwd()}/`;
  return file.startsWith(cwd) ? file.slice(cwd.length) : file;
}
