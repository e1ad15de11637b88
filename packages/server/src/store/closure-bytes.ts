/**
 * Workflow closures as stored bytes: a 5,000-node closure is megabytes and takes hundreds of
 * milliseconds to decode, while most readers of an execution want its phase, spec or data — so
 * records decode their closure only when it is read (define-lazy.ts), and the workflow's id is
 * read straight from the bytes.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { IdentifierSchema, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";

/**
 * Every occurrence of the length-delimited field `field` of `bytes`' message, in order (protobuf
 * merges repeated occurrences of a message field, so a reader of one takes the last).
 */
export function fieldsOf(bytes: Uint8Array, field: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === field && wireType === WireType.LengthDelimited) found.push(reader.bytes());
    else reader.skip(wireType, no);
  }
  return found;
}

/** The bytes of field `field` (length-delimited) of the message in `bytes`, skipping the others. */
function subMessage(bytes: Uint8Array, field: number): Uint8Array | undefined {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === field && wireType === WireType.LengthDelimited) return reader.bytes();
    reader.skip(wireType, no);
  }
  return undefined;
}

/**
 * The primary workflow's id (`primary.template.id`, fields 1.1.1) of an encoded
 * CompiledWorkflowClosure, without decoding the rest.
 */
export function workflowIdOfClosure(bytes: Uint8Array): Identifier | undefined {
  const primary = subMessage(bytes, 1);
  const template = primary === undefined ? undefined : subMessage(primary, 1);
  const id = template === undefined ? undefined : subMessage(template, 1);
  return id === undefined ? undefined : fromBinary(IdentifierSchema, id);
}
