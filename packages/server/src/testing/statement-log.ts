/**
 * Which SQL statements a piece of code runs, for tests that count a store's or a queue's reads
 * and writes: node:sqlite's `StatementSync` methods are wrapped while `run` is pending, so every
 * statement of every connection in the process is seen.
 */
import { StatementSync } from "node:sqlite";

/** What `run` resolves with, and the SQL of every statement it ran, whitespace collapsed. */
export async function statementsOf<T>(run: () => Promise<T>): Promise<{ value: T; ran: string[] }> {
  const ran: string[] = [];
  const proto = StatementSync.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = new Map(["run", "get", "all", "iterate"].map((method) => [method, proto[method] as (...args: unknown[]) => unknown]));
  for (const [method, original] of originals) {
    proto[method] = function (this: StatementSync, ...args: unknown[]) {
      ran.push(this.sourceSQL.replace(/\s+/g, " ").trim());
      return original.apply(this, args);
    };
  }
  try {
    return { value: await run(), ran };
  } finally {
    for (const [method, original] of originals) proto[method] = original;
  }
}
