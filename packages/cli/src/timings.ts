/**
 * Where a command's time goes: with `FLYTE_TIMINGS=1`, each phase a command marks (loading the
 * user's code, bundling, uploading, registering, waiting, ...) is printed to stderr when the
 * process exits, one line, in order, from the process's start. Off by default; marking costs one
 * `performance.now()` either way, so the phases stay in the code for the benchmarks to read.
 */
// The global `performance`, not node:perf_hooks: importing that module loads its timerify and
// histogram modules into every command.

const marks: Array<{ readonly phase: string; readonly at: number }> = [];
let reporting = false;

/** Whether `FLYTE_TIMINGS` asks for the phase report. */
function enabled(): boolean {
  const value = process.env["FLYTE_TIMINGS"];
  return value !== undefined && value !== "" && value !== "0";
}

/**
 * Ends phase `phase` now: its time is from the previous mark (or from the process's start, which
 * includes Node's own start-up) to now.
 */
export function mark(phase: string): void {
  if (!enabled()) return;
  marks.push({ phase, at: performance.now() });
  if (!reporting) {
    reporting = true;
    process.once("exit", () => process.stderr.write(`${timingsLine()}\n`));
  }
}

/** `flyte: timings: node 60 ms, cli 40 ms, ... total 900 ms`: the phases marked so far. */
export function timingsLine(): string {
  let previous = 0;
  const parts = marks.map(({ phase, at }) => {
    const part = `${phase} ${Math.round(at - previous)} ms`;
    previous = at;
    return part;
  });
  return `flyte: timings: ${[...parts, `total ${Math.round(performance.now())} ms`].join(", ")}`;
}
