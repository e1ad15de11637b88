/**
 * How a worker finds a task's code: the resolver arguments of its container, written at
 * serialization and resolved against the loaded modules in the worker.
 *
 *   task-module M task-name E                 an exported task: export E of module M
 *   task-module M task-ref N                  a task named N that is not exported (defined in M,
 *                                             or inline in a workflow or a mapTask call)
 *   ... task-ref N task-parent JSON           a task made while a dynamic task's body ran: the
 *                                             worker runs that body again on the same inputs
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { hasOffloadedLiterals } from "./data/offload-check.ts";
import { definitionOf, type CallableEntity } from "./entity.ts";
import { allDefinitions, stableName, type ModuleNamespace } from "./naming.ts";
import { modulePathOf } from "./project.ts";
import { LOCAL_SETTINGS, type SerializationSettings } from "./serialize/settings.ts";

/** Where a task's code is, as its resolver arguments say. */
export type TaskReference =
  | { readonly module: string; readonly exportName: string }
  | { readonly module: string; readonly name: string; readonly parent?: ParentReference };

/** The dynamic task whose body made a task, and that body's inputs (base64 `LiteralMap`). */
export interface ParentReference {
  readonly ref: TaskReference;
  readonly inputs: string;
}

/** The reference of `definition` (throws when it has no stable name; see naming.ts). */
export function referenceOf(definition: CallableEntity): TaskReference {
  if (definition.location !== undefined) return definition.location;
  const name = stableName(definition);
  const module = definition.definedAt !== undefined ? modulePathOf(definition.definedAt.file) : "";
  const origin = definition.origin;
  return origin === undefined ? { module, name } : { module, name, parent: { ref: referenceOf(origin.parent), inputs: origin.inputs } };
}

/** The resolver arguments (after `--`) of a reference. */
export function referenceArgs(ref: TaskReference): string[] {
  if ("exportName" in ref) return ["task-module", ref.module, "task-name", ref.exportName];
  const args = ["task-module", ref.module, "task-ref", ref.name];
  if (ref.parent !== undefined) args.push("task-parent", JSON.stringify(ref.parent));
  return args;
}

/** Reads a reference from resolver arguments; undefined when they name no task. */
export function referenceFromArgs(args: readonly string[]): TaskReference | undefined {
  const after = (key: string): string | undefined => {
    const i = args.indexOf(key);
    return i === -1 ? undefined : args[i + 1];
  };
  const module = after("task-module");
  if (module === undefined) return undefined;
  const exportName = after("task-name");
  if (exportName !== undefined) return { module, exportName };
  const name = after("task-ref");
  if (name === undefined) return undefined;
  const parent = after("task-parent");
  return parent === undefined ? { module, name } : { module, name, parent: JSON.parse(parent) as ParentReference };
}

/** Serializes a dynamic body's inputs for {@link ParentReference}. */
export function encodeInputs(inputs: Parameters<typeof toBinary<typeof LiteralMapSchema>>[1]): string {
  return Buffer.from(toBinary(LiteralMapSchema, inputs)).toString("base64");
}

/**
 * The definition `ref` points at among `modules` (named already); rejects with an Error saying
 * what is missing. A map item is found under the map's name. Asynchronous because a task a
 * dynamic body made is found by running that body again, on inputs that may be offloaded
 * literals to read back from the store first.
 */
export async function resolveTask(modules: readonly ModuleNamespace[], ref: TaskReference, settings: SerializationSettings = LOCAL_SETTINGS): Promise<CallableEntity> {
  if ("exportName" in ref) {
    const m = modules.find((x) => x.module === ref.module);
    if (m === undefined) {
      throw new Error(`module '${ref.module}' is not in the code (it has: ${modules.map((x) => x.module).join(", ") || "none"}); register the file that defines it`);
    }
    const definition = definitionOf(m.namespace[ref.exportName]);
    if (definition === undefined) throw new Error(`module '${ref.module}' has no task exported as '${ref.exportName}'`);
    return definition;
  }
  if (ref.parent !== undefined) {
    const parent = (await resolveTask(modules, ref.parent.ref, settings)) as CallableEntity & { expand?: unknown };
    if (typeof parent.expand !== "function") throw new Error(`the parent of task '${ref.name}' is a ${parent.kind}, not a dynamic task`);
    const found = (await expansionOf(parent, ref.parent.inputs, settings)).get(ref.name);
    if (found === undefined) throw new Error(`dynamic task '${parent.name}' no longer makes a task named '${ref.name}' on these inputs`);
    return found;
  }
  return byName(ref.name) ?? traceAllThen(ref.name);
}

/** Recent expansions of dynamic bodies, so the tasks of one dynamic node do not each run the body again. */
const expansions = new Map<string, { parent: CallableEntity; definitions: Promise<ReadonlyMap<string, CallableEntity>> }>();
const MAX_EXPANSIONS = 32;

type Expand = (inputs: LiteralMap, settings: SerializationSettings, resolved: LiteralMap) => { definitions?: ReadonlyMap<string, CallableEntity> };

function expansionOf(parent: CallableEntity & { expand?: unknown }, encodedInputs: string, settings: SerializationSettings): Promise<ReadonlyMap<string, CallableEntity>> {
  const key = `${parent.name}\n${encodedInputs}`;
  const cached = expansions.get(key);
  if (cached !== undefined && cached.parent === parent) return cached.definitions;
  const definitions = (async () => {
    const inputs = fromBinary(LiteralMapSchema, Buffer.from(encodedInputs, "base64"));
    // Offloaded inputs are read back (from the server's store on a worker) for the body only.
    const resolved = hasOffloadedLiterals(inputs)
      ? await (await import("./data/offload.ts")).resolveOffloaded(inputs, `dynamic '${parent.name}' input`)
      : inputs;
    return (parent.expand as Expand)(inputs, settings, resolved).definitions ?? new Map<string, CallableEntity>();
  })();
  // A failed expansion is forgotten, so a later attempt runs the body again.
  definitions.catch(() => expansions.delete(key));
  if (expansions.size >= MAX_EXPANSIONS) expansions.delete(expansions.keys().next().value!);
  expansions.set(key, { parent, definitions });
  return definitions;
}

/** A remembered definition named `name`; for a map, the task its items run. */
function byName(name: string): CallableEntity | undefined {
  const found = allDefinitions().find((d) => d.name === name);
  return found?.kind === "mapTask" ? ((found as { item?: CallableEntity }).item ?? found) : found;
}

/** Traces every workflow (which makes the tasks defined inline in bodies), then looks again. */
function traceAllThen(name: string): CallableEntity {
  for (let done = 0; done < allDefinitions().length; done++) {
    const d = allDefinitions()[done] as CallableEntity & { trace?: () => unknown };
    if (d.kind === "workflow" && typeof d.trace === "function") d.trace();
  }
  const found = byName(name);
  if (found === undefined) throw new Error(`no task named '${name}' is defined by the code`);
  return found;
}
