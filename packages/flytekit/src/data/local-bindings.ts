/**
 * Local files in a graph built at run time. A dynamic task's body is synchronous: when it writes a
 * file and passes the path to a task it calls (or returns it), the path is bound as a constant
 * `file://` blob. Where the attempt's store is not the local disk (a worker writing to its
 * server's store), such a constant would point at a file no other attempt can read: this uploads
 * each one under the attempt's raw-output prefix and rewrites the binding to the stored URI.
 * Locally, `file://` is the store, and the paths stay as they are (as local inputs do; their
 * URI is then their identity in cache keys).
 */
import type { DynamicJobSpec } from "@flyte/idl/gen/flyteidl/core/dynamic_job_pb.js";
import type { BindingData } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import { stat } from "node:fs/promises";
import { FlyteError } from "../errors.ts";
import { currentDataContext, currentStoreFor } from "./data-context.ts";
import { localPathOf } from "./file-store.ts";
import { joinUri } from "./store.ts";
import { uploadLocalPath } from "./upload.ts";

/** Where a blob constant's URI sits, to rewrite it in place. */
interface UriSlot {
  readonly uri: string;
  set(uri: string): void;
}

function slotsOfBinding(data: BindingData | undefined, out: UriSlot[]): void {
  const v = data?.value;
  if (v === undefined) return;
  switch (v.case) {
    case "scalar": {
      const scalar = v.value.value;
      if (scalar.case === "blob") {
        const blob = scalar.value;
        out.push({ uri: blob.uri, set: (uri) => (blob.uri = uri) });
      } else if (scalar.case === "structuredDataset") {
        const sd = scalar.value;
        out.push({ uri: sd.uri, set: (uri) => (sd.uri = uri) });
      }
      return;
    }
    case "collection":
      for (const b of v.value.bindings) slotsOfBinding(b, out);
      return;
    case "map":
      for (const b of Object.values(v.value.bindings)) slotsOfBinding(b, out);
      return;
    default:
      return;
  }
}

function slotsOfNode(node: Node | undefined, out: UriSlot[]): void {
  if (node === undefined) return;
  for (const b of node.inputs) slotsOfBinding(b.binding, out);
  const t = node.target;
  if (t.case === "arrayNode") slotsOfNode(t.value.node, out);
  if (t.case === "branchNode") {
    const ie = t.value.ifElse;
    slotsOfNode(ie?.case?.thenNode, out);
    for (const c of ie?.other ?? []) slotsOfNode(c.thenNode, out);
    if (ie?.default.case === "elseNode") slotsOfNode(ie.default.value, out);
  }
}

/**
 * Uploads the local files and folders bound as constants in `spec` (node inputs and outputs) when
 * the current store cannot read `file://` URIs, rewriting the bindings in place.
 *
 * A binding cannot carry a literal's `hash`, so the content hash goes into the location instead:
 * each is stored at `<raw base>/content/<sha256>/<name>` (content-addressed), and a cache key —
 * which holds the URI — is the same for the same bytes under the same name, whatever attempt or
 * temporary folder they came from. It is written each time (a rewrite replaces the object
 * atomically), so an object left wrong by a file changed mid-upload does not outlive that upload.
 *
 * @throws FlyteError `E_DATA_NOT_FOUND` (no such local path), `E_DATA_TRANSFER`, naming `what`.
 */
export async function uploadLocalBindings(spec: DynamicJobSpec, what: string): Promise<void> {
  const slots: UriSlot[] = [];
  for (const node of spec.nodes) slotsOfNode(node, slots);
  for (const b of spec.outputs) slotsOfBinding(b.binding, slots);
  const ctx = currentDataContext();
  if (!slots.some((slot) => slot.uri.startsWith("file://"))) return;
  const uploaded = new Map<string, string>();
  for (const slot of slots) {
    if (!slot.uri.startsWith("file://") || ctx.stores.some((s) => s.accepts(slot.uri))) continue;
    let stored = uploaded.get(slot.uri);
    if (stored === undefined) {
      stored = await uploadByContent(localPathOf(slot.uri), ctx.rawBase ?? ctx.rawPrefix, what);
      uploaded.set(slot.uri, stored);
    }
    slot.set(stored);
  }
}

/** Uploads a local file or folder to `<base>/content/<sha256>/<name>`; returns that URI. */
async function uploadByContent(path: string, base: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new FlyteError("E_DATA_NOT_FOUND", `${what}: no local file or folder at '${path}', which the graph passes on; write it before passing it`);
  // What is on disk decides: a folder (a directory, a dataframe's folder) or one file.
  const up = await uploadLocalPath(path, info.isDirectory(), { byContent: joinUri(base, "content") }, (uri) => currentStoreFor(uri, what), what);
  return up.uri;
}
