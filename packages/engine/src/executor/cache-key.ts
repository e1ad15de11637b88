/**
 * Cache keys, computed the same way for local runs and the server (flyte-semantics.md §3.2):
 * project, domain, task name, cache version, a signature of the task interface, and a hash of
 * the inputs with ignored inputs dropped. The task's registration version is NOT part of the
 * key, so caches survive re-registration.
 *
 * Hashes are SHA-256 over the deterministic protobuf encoding of a canonical copy: map entries
 * sorted by key (also inside structs), and every literal whose `hash` is set replaced by a
 * literal carrying only that hash — so users can hash large values (files, data frames) by
 * content instead of by location. Flyte's datacatalog hashes a JSON rendering instead, so the
 * key strings differ from Flyte's, but they identify the same things.
 */
import type * as Crypto from "node:crypto";
import { clone, create, toBinary, type DescMessage } from "@bufbuild/protobuf";
import type { TypedInterface, VariableMap } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { VariableMapSchema, VariableSchema } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { CacheKey } from "../runtime/catalog.ts";

// node:crypto loads on the first key (it costs a local run 15–25 ms of start-up, and most local
// runs cache nothing).
let crypto: typeof Crypto | undefined;

/** What a key is made of besides the inputs. */
export interface CacheKeyParts {
  /** The task's identifier: project, domain and name are used; the version is not. */
  readonly taskId: Identifier;
  readonly cacheVersion: string;
  readonly taskInterface: TypedInterface | undefined;
  /** Inputs left out of the input hash (flyteidl `cache_ignore_input_vars`). */
  readonly ignoredInputs: readonly string[];
}

/** The cache key of a task run on `inputs`. */
export function cacheKeyOf(parts: CacheKeyParts, inputs: LiteralMap): CacheKey {
  const { project, domain, name } = parts.taskId;
  const signature = `${hashVariables(parts.taskInterface?.inputs)}-${hashVariables(parts.taskInterface?.outputs)}`;
  const inputsHash = hashInputs(inputs, parts.ignoredInputs);
  return {
    project,
    domain,
    taskName: name,
    cacheVersion: parts.cacheVersion,
    signature,
    inputsHash,
    id: `${project}/${domain}/flyte_task-${name}/${parts.cacheVersion}-${signature}/flyte_cached-${inputsHash}`,
  };
}

/** Hash of the inputs: ignored inputs dropped, hashed literals reduced to their hash, keys sorted. */
export function hashInputs(inputs: LiteralMap, ignoredInputs: readonly string[] = []): string {
  const ignored = new Set(ignoredInputs);
  const literals: Record<string, Literal> = {};
  for (const name of Object.keys(inputs.literals).sort()) {
    if (!ignored.has(name)) literals[name] = hashify(inputs.literals[name] as Literal);
  }
  return digest(LiteralMapSchema, create(LiteralMapSchema, { literals }), 43);
}

/** Hash of a variable map's names and types (descriptions do not change what is cached). */
function hashVariables(variables: VariableMap | undefined): string {
  const sorted: VariableMap = create(VariableMapSchema, {});
  for (const name of Object.keys(variables?.variables ?? {}).sort()) {
    const type = variables?.variables[name]?.type;
    sorted.variables[name] = create(VariableSchema, type === undefined ? {} : { type });
  }
  // Eight characters per side, as datacatalog's dataset version does.
  return digest(VariableMapSchema, sorted, 8);
}

/** Replaces literals that carry a `hash` by the hash alone, through collections and maps. */
function hashify(literal: Literal): Literal {
  if (literal.hash !== "") return create(LiteralSchema, { hash: literal.hash });
  const v = literal.value;
  if (v.case === "collection") {
    return create(LiteralSchema, { value: { case: "collection", value: { literals: v.value.literals.map(hashify) } } });
  }
  if (v.case === "map") {
    const literals: Record<string, Literal> = {};
    for (const [k, item] of Object.entries(v.value.literals)) literals[k] = hashify(item);
    return create(LiteralSchema, { value: { case: "map", value: { literals } } });
  }
  return literal;
}

/** SHA-256 (base64url, first `length` characters) of the canonical encoding of `message`. */
function digest<Desc extends DescMessage>(schema: Desc, message: Parameters<typeof toBinary<Desc>>[1], length: number): string {
  const copy = clone(schema, message);
  canonicalize(schema, copy);
  crypto ??= process.getBuiltinModule("node:crypto");
  return crypto.createHash("sha256").update(toBinary(schema, copy)).digest("base64url").slice(0, length);
}

/**
 * Sorts every map (and every struct's keys) in place, recursively. protobuf-es writes map
 * entries in object-key order, so two equal maps built in different orders would otherwise
 * encode differently.
 */
function canonicalize(desc: DescMessage, message: Record<string, unknown>): void {
  for (const field of desc.fields) {
    let holder: Record<string, unknown> = message;
    let key: string = field.localName;
    if (field.oneof !== undefined) {
      const chosen = message[field.oneof.localName] as { case?: string } | undefined;
      if (chosen?.case !== field.localName) continue;
      holder = chosen;
      key = "value";
    }
    const value = holder[key];
    if (value === undefined || value === null) continue;
    switch (field.fieldKind) {
      case "message":
        holder[key] = canonicalMessage(field.message, value);
        break;
      case "list":
        if (field.listKind === "message") {
          const list = value as unknown[];
          for (let i = 0; i < list.length; i++) list[i] = canonicalMessage(field.message, list[i]);
        }
        break;
      case "map": {
        const sorted: Record<string, unknown> = {};
        const entries = value as Record<string, unknown>;
        for (const k of Object.keys(entries).sort()) {
          sorted[k] = field.mapKind === "message" ? canonicalMessage(field.message, entries[k]) : entries[k];
        }
        holder[key] = sorted;
        break;
      }
      default:
        break;
    }
  }
}

function canonicalMessage(desc: DescMessage, value: unknown): unknown {
  // protobuf-es represents Struct, Value and ListValue fields as plain JSON, and unboxes wrappers.
  if (desc.typeName === "google.protobuf.Struct" || desc.typeName === "google.protobuf.Value" || desc.typeName === "google.protobuf.ListValue") {
    return sortJson(value);
  }
  if (typeof value !== "object" || value === null) return value;
  canonicalize(desc, value as Record<string, unknown>);
  return value;
}

function sortJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortJson);
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortJson((value as Record<string, unknown>)[k]);
  return out;
}
