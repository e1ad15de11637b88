/**
 * Execution names as FlyteAdmin makes and checks them (flyte-semantics §5.1): generated names
 * are "a" + 19 characters of Kubernetes' `rand.String` alphabet (20 in all); user names must
 * match `^[a-z][a-z\-0-9]*$` and be at most 63 characters.
 *
 * Ours differ in one way that keeps that shape: the first 9 of the 19 characters spell the
 * creation time, so generated names sort in the order they were made. Every table of an execution
 * is keyed by its name (executions, specs, node and task executions, queued attempts); random
 * names put each new execution's rows and index entries on a random page of each of those
 * B-trees, and each group commit then wrote some 14 scattered pages per execution to the log
 * (117 KB per execution of the throughput run); names in time order append at the tail of each
 * tree instead, where executions created together share pages (docs/benchmarks.md, eighth round).
 */
import { randomInt } from "node:crypto";
import { invalidArgument } from "../api/errors.ts";

/** Kubernetes' `rand.String` alphabet, in code-point order so that a time spelled in it sorts as the time does. */
const ALPHABET = "2456789bcdfghjklmnpqrstvwxz";
/** Characters of the time prefix: 27^9 ms reach the year 2211. */
const TIME_CHARS = 9;
/** Random characters after the time prefix: 27^10 (about 2·10^14) names per millisecond. */
const RANDOM_CHARS = 19 - TIME_CHARS;
const NAME_PATTERN = /^[a-z][a-z\-0-9]*$/;
/** Longest execution name accepted. */
export const MAX_NAME_LENGTH = 63;

/**
 * A fresh name: "a", the time `now` (ms since the epoch) in 9 characters, then 10 random ones.
 * Names made in a later millisecond sort after earlier ones; within one millisecond the random
 * part orders them (a taken name is refused as ALREADY_EXISTS, as a random one could be).
 */
export function generateExecutionName(now: number = Date.now()): string {
  let time = "";
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < TIME_CHARS; i++) {
    time = (ALPHABET[rest % ALPHABET.length] as string) + time;
    rest = Math.floor(rest / ALPHABET.length);
  }
  let name = `a${time}`;
  for (let i = 0; i < RANDOM_CHARS; i++) name += ALPHABET[randomInt(ALPHABET.length)];
  return name;
}

/** Throws INVALID_ARGUMENT (FlyteAdmin's messages) unless `name` is a valid execution name. */
export function checkExecutionName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalidArgument(`invalid name format: ${name}, does not match regex '^[a-z][a-z\\-0-9]*$'; use lower-case letters, digits and '-', starting with a letter`);
  }
  if (name.length > MAX_NAME_LENGTH) throw invalidArgument(`size of name exceeded length ${MAX_NAME_LENGTH} : ${name}`);
}
