/**
 * Literal maps in rows: protobuf bytes inline when small, a blob path when large (the row keeps
 * the path, the blob store the bytes). Reads are transparent either way.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { BlobStore } from "../blob/blob-store.ts";

/**
 * A literal map serialized once, at `record` time (outside the commit). `uri` is set when the
 * store decided to offload it, before the row is written.
 */
export interface EncodedLiteral {
  readonly bytes: Uint8Array;
  uri?: string;
}

/** Serializes a literal map for a row or a blob. */
export function encodeLiteralMap(map: LiteralMap): EncodedLiteral {
  return { bytes: toBinary(LiteralMapSchema, map) };
}

/** The `(bytes, uri)` column pair of a literal: exactly one of them is set. */
export function literalColumns(literal: EncodedLiteral): [Uint8Array | null, string | null] {
  return literal.uri === undefined ? [literal.bytes, null] : [null, literal.uri];
}

/**
 * Reads a literal map back from its column pair; `undefined` when neither is set.
 *
 * @param what names the value in errors, e.g. `inputs of node "n0" of execution "e1"`.
 */
export async function decodeLiteralMap(
  bytes: Uint8Array | null,
  uri: string | null,
  blobs: BlobStore | undefined,
  what: string,
): Promise<LiteralMap | undefined> {
  if (bytes !== null) return fromBinary(LiteralMapSchema, bytes);
  if (uri === null) return undefined;
  if (blobs === undefined) {
    throw new Error(`The ${what} were offloaded to blob "${uri}", but this store has no blob store to read them from; open it with the same blob store it was written with.`);
  }
  return fromBinary(LiteralMapSchema, await blobs.get(uri));
}
