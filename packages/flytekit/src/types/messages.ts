/**
 * Wording of the type engine's errors: where a value sits ("task 't1' output 'o0'[2].name") and
 * what is wrong with it, from zod issues or from conversion failures.
 */
import type { z } from "zod";
import { defOf, keyStep } from "./codec.ts";
import { describeValue } from "./describe.ts";
import { isIntegerSchema } from "./primitives.ts";

/** Where a value sits, for messages. */
export interface ValuePath {
  /** The entity's name (`"t1"`), or a phrase such as `"workflow 'wf'"` used verbatim. */
  readonly entity: string;
  /** Whether the value is one of the entity's inputs or outputs. */
  readonly side: "input" | "output";
  /** The input or output name. */
  readonly variable: string;
  /** Steps inside the value already taken by the caller, e.g. `["[2]"]` for a map task element. */
  readonly steps?: readonly string[];
}

/** "task 't1'" for a bare name; a phrase that already names its kind is kept as given. */
export function describeEntity(entity: string): string {
  return /[\s']/.test(entity) ? entity : `task '${entity}'`;
}

/** "task 't1' output 'o0'[2].name" */
export function describeLocation(path: ValuePath, steps: readonly string[] = []): string {
  const all = [...(path.steps ?? []), ...steps].join("");
  return `${describeEntity(path.entity)} ${path.side} '${path.variable}'${all}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  date: "a valid Date",
  array: "an array",
  object: "an object",
  record: "an object",
  null: "null",
  undefined: "undefined",
};

/** The schema at a zod issue path, looking through wrappers; undefined when it cannot be told. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s = schema;
  let i = 0;
  while (s !== undefined) {
    const def = defOf(s);
    if (def.innerType !== undefined) {
      s = def.innerType;
      continue;
    }
    if (i === path.length) return s;
    const step = path[i++];
    if (def.type === "array") s = def.element;
    else if (def.type === "record") s = def.valueType;
    else if (def.type === "object" && typeof step === "string") s = def.shape?.[step];
    else return undefined;
  }
  return undefined;
}

/** One zod issue as a short sentence, with the offending value. */
function describeIssue(issue: z.core.$ZodIssue, target?: z.ZodType): string {
  const got = "input" in issue ? `, got ${describeValue(issue.input)}` : "";
  switch (issue.code) {
    case "invalid_type": {
      // zod reports z.int() as "number" when the value is not a number at all.
      const expected = issue.expected === "number" && target !== undefined && isIntegerSchema(target) ? "int" : issue.expected;
      return `expected ${EXPECTED[expected] ?? expected}${got}`;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join("|")}${got}`;
    case "invalid_union": {
      // errors[i] holds the issues of option i; look the option up to word its issue precisely.
      const options = target !== undefined && defOf(target).type === "union" ? (defOf(target).options ?? []) : [];
      const reasons: string[] = [];
      issue.errors.forEach((errs, i) => {
        const e = errs[0];
        if (e === undefined) return;
        const where = e.path.length > 0 ? `${e.path.map(keyStep).join("")}: ` : "";
        reasons.push(`${where}${describeIssue(e, schemaAt(options[i], e.path))}`);
      });
      const unique = [...new Set(reasons)];
      return `no union variant accepts it${got}${unique.length > 0 ? ` (${unique.join("; ")})` : ""}`;
    }
    default:
      return `${issue.message}${got}`;
  }
}

/** The steps of a zod issue path, e.g. `["a", 1, "name"]` → `[".a", "[1]", ".name"]`. */
function issueSteps(issue: z.core.$ZodIssue): string[] {
  return issue.path.map((p) => keyStep(p));
}

/**
 * The message for a value zod rejected: the first issue, located, plus how many more there are.
 * `schema` (the validated schema) sharpens wording, e.g. "an integer" rather than "a number".
 */
export function invalidValueMessage(path: ValuePath, issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): string {
  const first = issues[0];
  if (first === undefined) return `${describeLocation(path)}: the value is invalid`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? "s" : ""})` : "";
  const detail = describeIssue(first, schemaAt(schema, first.path));
  return `${describeLocation(path, issueSteps(first))}: ${detail}${more}`;
}
