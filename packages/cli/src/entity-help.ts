/**
 * Help generated from code, as pyflyte does it: `flyte run FILE --help` lists the file's
 * entities with their kind and interface; `flyte run FILE ENTITY --help` lists the entity's
 * inputs (type, required or default) and outputs. Also the check that every required input was
 * given, whose message points at that help.
 */
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { describeType, literalTypeOf, type CallableEntity, type LoadedEntity } from "flytekit/internal/local";
import { UsageError } from "./args.ts";
import { toJsonValue } from "./json-value.ts";

/** One input as help shows it. */
export interface InputLine {
  readonly name: string;
  readonly type: string;
  /** JSON text of the default; undefined when required. */
  readonly default?: string | undefined;
  readonly required: boolean;
}

/** One output as help shows it. */
export interface OutputLine {
  readonly name: string;
  readonly type: string;
}

const KIND_TEXT: Readonly<Record<string, string>> = { launchPlan: "launch plan", mapTask: "map task" };

/** A type in help text: `integer`, `list<string>`, `map<float>`, `string?` (optional), `struct`. */
export function typeText(type: LiteralType): string {
  const t = type.type;
  switch (t.case) {
    case "simple":
      return t.value === SimpleType.NONE ? "none" : (SimpleType[t.value] ?? describeType(type)).toLowerCase();
    case "collectionType":
      return `list<${typeText(t.value)}>`;
    case "mapValueType":
      return `map<${typeText(t.value)}>`;
    case "enumType":
      return `one of ${t.value.values.join("|")}`;
    case "unionType": {
      const some = t.value.variants.filter((v) => !(v.type.case === "simple" && v.type.value === SimpleType.NONE));
      const optional = some.length < t.value.variants.length ? "?" : "";
      return some.length === 1 ? `${typeText(some[0]!)}${optional}` : `union<${some.map(typeText).join("|")}>${optional}`;
    }
    default:
      return describeType(type).toLowerCase();
  }
}

/** The inputs of a loaded entity as help shows them. */
export function inputLines(entity: CallableEntity): InputLine[] {
  return entity.signature.inputNames.map((name) => {
    const schema = entity.signature.inputs[name]!;
    // An input that parses from "nothing" has a default (or is optional): it may be omitted.
    const fallback = schema.safeParse(undefined);
    const type = typeText(literalTypeOf(schema));
    if (!fallback.success) return { name, type, required: true };
    return { name, type, required: false, default: fallback.data === undefined ? "none" : JSON.stringify(toJsonValue(fallback.data)) };
  });
}

/** The outputs of a loaded entity as help shows them. */
export function outputLines(entity: CallableEntity): OutputLine[] {
  return entity.signature.outputNames.map((name) => ({ name, type: typeText(literalTypeOf(entity.signature.outputs[name]!)) }));
}

/** `(a: integer, b: string = "x") -> (o0: integer)`: an interface on one line. */
export function interfaceLine(inputs: readonly InputLine[], outputs: readonly OutputLine[]): string {
  const ins = inputs.map((i) => `${i.name}: ${i.type}${i.required ? "" : ` = ${i.default ?? "none"}`}`).join(", ");
  const outs = outputs.map((o) => `${o.name}: ${o.type}`).join(", ");
  return `(${ins}) -> (${outs})`;
}

/** `flyte run FILE --help`: the file's entities. `command` is how to run them (`flyte run` or `flyte run --remote`). */
export function fileHelp(command: string, file: string, entities: readonly LoadedEntity[]): string {
  const runnable = entities.filter((e) => ["task", "workflow", "launchPlan"].includes(e.definition.kind));
  const rows = runnable.map((e) => [e.exportName, KIND_TEXT[e.definition.kind] ?? e.definition.kind, interfaceLine(inputLines(e.definition), outputLines(e.definition))]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), 0));
  const lines = rows.map((r) => `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!}`);
  return [
    `usage: ${command} ${file} ENTITY [--INPUT VALUE ...]`,
    "",
    runnable.length === 0 ? `${file} exports no tasks, workflows or launch plans.` : `entities in ${file}:`,
    ...lines,
    "",
    `Run '${command} ${file} ENTITY --help' for an entity's inputs.`,
  ].join("\n");
}

/** `flyte run FILE ENTITY --help`: one entity's inputs and outputs. */
export function entityHelp(usagePrefix: string, title: string, inputs: readonly InputLine[], outputs: readonly OutputLine[], extra: readonly string[] = []): string {
  const width = Math.max(0, ...inputs.map((i) => i.name.length + i.type.length + 3));
  const usageInputs = inputs.map((i) => (i.required ? `--${i.name} ${i.type.toUpperCase()}` : `[--${i.name} ${i.type.toUpperCase()}]`)).join(" ");
  const lines = [`usage: ${usagePrefix}${usageInputs === "" ? "" : ` ${usageInputs}`}`, "", title, ""];
  lines.push(inputs.length === 0 ? "inputs: none" : "inputs:");
  for (const i of inputs) lines.push(`  ${`--${i.name} ${i.type}`.padEnd(width)}  ${i.required ? "required" : `default ${i.default ?? "none"}`}`);
  lines.push(outputs.length === 0 ? "outputs: none" : "outputs:");
  for (const o of outputs) lines.push(`  ${o.name}: ${o.type}`);
  if (extra.length > 0) lines.push("", ...extra);
  return lines.join("\n");
}

/** Help of a loaded entity. */
export function loadedEntityHelp(command: string, file: string, entity: LoadedEntity, extra: readonly string[] = []): string {
  const d = entity.definition;
  const title = `${KIND_TEXT[d.kind] ?? d.kind} ${d.name}${d.name !== entity.exportName ? ` (export ${entity.exportName})` : ""}`;
  return entityHelp(`${command} ${file} ${entity.exportName}`, title, inputLines(d), outputLines(d), extra);
}

/**
 * Throws a UsageError for the first required input not given: "missing input --b (string); run
 * '<helpCommand>' for its inputs".
 */
export function requireInputs(inputs: readonly InputLine[], given: ReadonlySet<string>, helpCommand: string): void {
  const missing = inputs.filter((i) => i.required && !given.has(i.name));
  if (missing.length === 0) return;
  const list = missing.map((i) => `--${i.name} (${i.type})`).join(", ");
  throw new UsageError(`missing input${missing.length > 1 ? "s" : ""} ${list}; run '${helpCommand}' for its inputs`);
}
