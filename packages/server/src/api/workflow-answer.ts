/**
 * A stored workflow version's `admin.Workflow` answer, written at the wire level from the row: the
 * stored closure is already the encoded `core.CompiledWorkflowClosure`, so it is copied into the
 * answer rather than decoded and encoded again (a 5,000-node closure takes tens of milliseconds
 * each way). The answer decodes to the message `workflowOf` builds (workflow-answer.test.ts).
 */
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TimestampSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { IdentifierSchema } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { EntityRow } from "../registry/registry-store.ts";
import { fieldsOf } from "../store/closure-bytes.ts";
import { identifierOf } from "./entities.ts";

// flyteidl field numbers: Workflow{id 1, closure 2, short_description 3};
// WorkflowClosure{compiled_workflow 1, created_at 2}; WorkflowSpec{description 3};
// DescriptionEntity{short_description 2}.

/** The encoded `admin.Workflow` of a stored workflow version. */
export function workflowAnswerBytes(row: EntityRow): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(toBinary(IdentifierSchema, identifierOf("workflow", row)));
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).bytes(row.closure);
  w.tag(2, WireType.LengthDelimited).bytes(toBinary(TimestampSchema, timestampFromMs(row.createdAt)));
  w.join();
  const description = shortDescriptionOf(row.spec);
  if (description !== "") w.tag(3, WireType.LengthDelimited).string(description);
  return w.finish();
}

/** `WorkflowSpec.description.short_description` of an encoded spec, without decoding its templates. */
export function shortDescriptionOf(spec: Uint8Array): string {
  // Protobuf merges repeated occurrences of a message field, and the last scalar wins.
  let text = "";
  for (const entity of fieldsOf(spec, 3)) {
    for (const value of fieldsOf(entity, 2)) text = new TextDecoder().decode(value);
  }
  return text;
}

