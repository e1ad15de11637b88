/**
 * An execution page's first two requests — GetExecution, then GetWorkflow for the workflow it
 * names — written and read at the wire level (`@bufbuild/protobuf/wire`), without flyteidl's
 * descriptors: the workflow's identifier is copied, as bytes, from the execution's answer into
 * the workflow's request, and neither answer is decoded (first-requests.ts sends them).
 */
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

const ADMIN = "/flyteidl.service.AdminService";

/**
 * `WorkflowExecutionGetRequest{id: WorkflowExecutionIdentifier{project, domain, name}}`
 * (flyteidl field numbers: id 1; project 1, domain 2, name 4).
 */
export function executionRequestBytes(project: string, domain: string, name: string): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(project);
  w.tag(2, WireType.LengthDelimited).string(domain);
  w.tag(4, WireType.LengthDelimited).string(name);
  w.join();
  return w.finish();
}

/** The bytes of the length-delimited field `field` of `bytes`' message (the last one, as protobuf merges), if any. */
function fieldBytes(bytes: Uint8Array, field: number): Uint8Array | undefined {
  const r = new BinaryReader(bytes);
  let found: Uint8Array | undefined;
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (no === field && type === WireType.LengthDelimited) found = r.bytes();
    else r.skip(type, no);
  }
  return found;
}

/**
 * The encoded `core.Identifier` of the workflow an encoded `admin.Execution` names:
 * `Execution.closure` (3) → `ExecutionClosure.workflow_id` (11).
 */
export function workflowIdBytes(execution: Uint8Array): Uint8Array | undefined {
  const closure = fieldBytes(execution, 3);
  return closure === undefined ? undefined : fieldBytes(closure, 11);
}

/** `ObjectGetRequest{id}` (field 1) around an already encoded `core.Identifier`. */
export function objectRequestBytes(identifier: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(identifier).finish();
}

/** One Connect unary call of AdminService at `origin`, binary: the request's bytes in, the answer's bytes out. */
export async function adminUnary(origin: string, method: string, body: Uint8Array): Promise<ArrayBuffer> {
  const res = await fetch(`${origin}${ADMIN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/proto", "connect-protocol-version": "1" },
    body: body as Uint8Array<ArrayBuffer>,
  });
  // An error's body is Connect's JSON; the page's own request, made again, reports it properly.
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  return res.arrayBuffer();
}
