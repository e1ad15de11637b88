/**
 * Where a task was defined: the module URL of the code that called `task()` and how many tasks
 * that module had defined before it. A local isolate re-imports that module in its thread and
 * finds the same task there (local-thread.ts), so a task needs no export to run isolated.
 */
import { pathToFileURL } from "node:url";
import { threadState } from "./thread-state.ts";

/** A task's defining module and its place among that module's tasks. */
export interface DefinitionSite {
  readonly url: string;
  readonly index: number;
}

/** flytekit's own source folder: frames in it are not the user's (but its tests' are). */
const OWN_ROOT = new URL("..", import.meta.url).href;
const counts = new Map<string, number>();

/** Notes the site of a definition being constructed (call it from the constructor). */
export function recordDefinitionSite(definition: object): DefinitionSite | undefined {
  const url = callerUrl();
  if (url === undefined) return undefined;
  const index = counts.get(url) ?? 0;
  counts.set(url, index + 1);
  const recording = threadState().recording;
  if (recording !== undefined) {
    const list = recording.get(url) ?? [];
    list[index] = definition;
    recording.set(url, list);
  }
  return { url, index };
}

function callerUrl(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n").slice(1)) {
    const match = /(?:\(|at )((?:file:\/\/|\/)[^\s()]+?):\d+:\d+\)?\s*$/.exec(line);
    if (match?.[1] === undefined) continue;
    const url = match[1].startsWith("/") ? pathToFileURL(match[1]).href : match[1];
    if (!url.startsWith(OWN_ROOT) || url.includes("/testdata/") || /\.test\.[cm]?[jt]s$/.test(url)) return url;
  }
  return undefined;
}
