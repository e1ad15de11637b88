/**
 * Execution names as FlyteAdmin makes and checks them (flyte-semantics §5.1): generated names
 * are "a" + 19 characters of Kubernetes' `rand.String` alphabet (20 in all); user names must
 * match `^[a-z][a-z\-0-9]*$` and be at most 63 characters.
 */
import { randomInt } from "node:crypto";
import { invalidArgument } from "../api/errors.ts";

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const NAME_PATTERN = /^[a-z][a-z\-0-9]*$/;
/** Longest execution name accepted. */
export const MAX_NAME_LENGTH = 63;

/** A fresh name: "a" followed by 19 random characters. */
export function generateExecutionName(): string {
  let name = "a";
  for (let i = 0; i < 19; i++) name += ALPHABET[randomInt(ALPHABET.length)];
  return name;
}

/** Throws INVALID_ARGUMENT (FlyteAdmin's messages) unless `name` is a valid execution name. */
export function checkExecutionName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw invalidArgument(`invalid name format: ${name}, does not match regex '^[a-z][a-z\\-0-9]*$'; use lower-case letters, digits and '-', starting with a letter`);
  }
  if (name.length > MAX_NAME_LENGTH) throw invalidArgument(`size of name exceeded length ${MAX_NAME_LENGTH} : ${name}`);
}
