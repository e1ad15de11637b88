/**
 * Flyte's literal offloading: a literal bigger than a threshold (a 100 MB list, a huge map) is
 * written to the store as a serialized `Literal` and replaced by `Literal{offloaded_metadata{uri,
 * size_bytes, inferred_type}, hash}`, so it never sits in the server's database or in an RPC.
 * Readers unwrap it transparently before decoding (flytekit's `unwrap_offloaded_literal`).
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { FlyteError } from "../errors.ts";
import { currentDataContext, currentStoreFor } from "./data-context.ts";
import { joinUri } from "./store.ts";
import { hasOffloaded, offloadThreshold } from "./offload-check.ts";

/**
 * `map` with each literal of at least `threshold` serialized bytes written under the current raw
 * prefix (`<prefix>/<name>_offloaded_metadata.pb`) and replaced by an offloaded literal carrying
 * its type and a content hash (so cache keys do not depend on where it was written).
 */
export async function offloadLargeLiterals(
  map: LiteralMap,
  types: Readonly<Record<string, LiteralType>>,
  what: string,
  threshold = offloadThreshold(),
): Promise<LiteralMap> {
  let out: Record<string, Literal> | undefined;
  for (const [name, literal] of Object.entries(map.literals)) {
    if (literal.value.case === "offloadedMetadata") continue;
    const bytes = toBinary(LiteralSchema, literal);
    if (bytes.byteLength < threshold) continue;
    const uri = joinUri(currentDataContext().rawPrefix, `${encodeURIComponent(name)}_offloaded_metadata.pb`);
    await currentStoreFor(uri, `${what} '${name}'`).write(uri, Readable.from([bytes]));
    const hash = literal.hash !== "" ? literal.hash : `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    out ??= { ...map.literals };
    out[name] = create(LiteralSchema, {
      value: { case: "offloadedMetadata", value: { uri, sizeBytes: BigInt(bytes.byteLength), ...(types[name] !== undefined ? { inferredType: types[name] } : {}) } },
      hash,
    });
  }
  return out === undefined ? map : create(LiteralMapSchema, { literals: out });
}

/**
 * The literal an offloaded literal points to, read from the current context's stores.
 *
 * @throws FlyteError `E_DATA_NOT_FOUND`, `E_DATA_STORE`, `E_DATA_TRANSFER` (a size other than recorded), naming `what`.
 */
export async function readOffloadedLiteral(uri: string, sizeBytes: bigint, what: string): Promise<Literal> {
  const bytes = await buffer(await currentStoreFor(uri, what).read(uri));
  if (BigInt(bytes.byteLength) !== sizeBytes) {
    throw new FlyteError("E_DATA_TRANSFER", `${what}: the offloaded literal at '${uri}' has ${bytes.byteLength} bytes, not the ${String(sizeBytes)} recorded`);
  }
  return fromBinary(LiteralSchema, bytes);
}

async function resolveLiteral(literal: Literal, what: string): Promise<Literal> {
  const v = literal.value;
  if (v.case === "offloadedMetadata") return readOffloadedLiteral(v.value.uri, v.value.sizeBytes, what);
  if (v.case === "collection" && v.value.literals.some(hasOffloaded)) {
    const literals = await Promise.all(v.value.literals.map((l, i) => resolveLiteral(l, `${what}[${i}]`)));
    return create(LiteralSchema, { value: { case: "collection", value: { literals } }, hash: literal.hash });
  }
  if (v.case === "map" && Object.values(v.value.literals).some(hasOffloaded)) {
    const entries = await Promise.all(Object.entries(v.value.literals).map(async ([k, l]) => [k, await resolveLiteral(l, `${what}[${JSON.stringify(k)}]`)] as const));
    return create(LiteralSchema, { value: { case: "map", value: { literals: Object.fromEntries(entries) } }, hash: literal.hash });
  }
  return literal;
}

/**
 * `map` with every offloaded literal (at any depth) read back from the store.
 *
 * @throws FlyteError `E_DATA_NOT_FOUND`, `E_DATA_STORE`, `E_DATA_TRANSFER`, naming the value.
 */
export async function resolveOffloaded(map: LiteralMap, what: string): Promise<LiteralMap> {
  if (!Object.values(map.literals).some(hasOffloaded)) return map;
  const entries = await Promise.all(Object.entries(map.literals).map(async ([k, l]) => [k, await resolveLiteral(l, `${what} '${k}'`)] as const));
  return create(LiteralMapSchema, { literals: Object.fromEntries(entries) });
}
