/**
 * Benchmark output: one JSON line per figure, and a median helper (machines here are noisy, so
 * every figure is the median of several runs, with a baseline measured in the same run).
 */

/** One figure. `ratio` is value / baseline when a baseline exists. */
export interface Figure {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly target?: number;
  readonly runs?: number;
  readonly note?: string;
}

/** Prints a figure as a JSON line. */
export function report(figure: Figure): void {
  const ratio = figure.baseline !== undefined && figure.baseline !== 0 ? round(figure.value / figure.baseline) : null;
  console.log(
    JSON.stringify({
      bench: figure.bench,
      metric: figure.metric,
      value: round(figure.value),
      unit: figure.unit,
      baseline: figure.baseline === undefined ? null : round(figure.baseline),
      ratio,
      ...(figure.target !== undefined ? { target: figure.target } : {}),
      ...(figure.runs !== undefined ? { runs: figure.runs } : {}),
      ...(figure.note !== undefined ? { note: figure.note } : {}),
    }),
  );
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
