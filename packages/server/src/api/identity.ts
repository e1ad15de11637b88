/**
 * Identity of registered specs. An id is immutable: registering it again with the same spec is
 * accepted (idempotent), with a different spec it is refused.
 *
 * The digest is over the binary encoding. protobuf-es writes fields in field-number order, so two
 * encodings of one message differ only in map entry order; when digests differ the stored spec is
 * decoded and compared field by field, so reordered maps are still recognised as the same spec.
 */
import { createHash } from "node:crypto";
import { equals, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { EntityRow } from "../registry/registry-store.ts";

/** The bytes and hex SHA-256 digest of `message`. */
export function encodeSpec<D extends DescMessage>(schema: D, message: MessageShape<D>): { bytes: Uint8Array; digest: string } {
  const bytes = toBinary(schema, message);
  return { bytes, digest: createHash("sha256").update(bytes).digest("hex") };
}

/** A predicate telling whether a stored row holds the spec `message` (digest `digest`). */
export function sameSpecAs<D extends DescMessage>(schema: D, message: MessageShape<D>, digest: string): (stored: EntityRow) => boolean {
  return (stored) => stored.digest === digest || equals(schema, fromBinary(schema, stored.spec), message);
}
