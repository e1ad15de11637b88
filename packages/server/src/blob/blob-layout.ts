/**
 * Flyte's blob layout (flyte-semantics §4.9), as relative keys for a {@link BlobStore}:
 *
 * ```
 * metadata/<project>-<domain>-<name>/<node>/data/inputs.pb
 * metadata/<project>-<domain>-<name>/<node>/data/<attempt>/outputs.pb | error.pb | futures.pb | deck.html
 * raw/<project>-<domain>-<name>/<node>/<attempt>/...        task-written raw data (files, frames)
 * uploads/<project>/<domain>/<digest>/<file name>            code bundles (fast registration)
 * ```
 *
 * Workflow inputs are the start node's outputs (`start-node/data/0/outputs.pb`), workflow outputs
 * the end node's (`end-node/data/0/outputs.pb`), as in propeller. Nested node ids are already
 * prefixed by their parent's (`n1-0-n2`), so every node is one path segment.
 */
import { blobPathSegments } from "./blob-path.ts";
import { BlobError } from "./blob-store.ts";

/** The three parts of a Flyte execution id (flyteidl `WorkflowExecutionIdentifier`). */
export interface ExecutionIdentity {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Kinds of per-attempt documents a task writes. */
export type AttemptDocument = "outputs.pb" | "error.pb" | "futures.pb" | "deck.html";

/**
 * `metadata/<project>-<domain>-<name>`; for an execution without project and domain (local ids)
 * just `metadata/<name>`.
 */
export function executionMetadataDir(execution: ExecutionIdentity): string {
  const dir = execution.project === "" && execution.domain === ""
    ? execution.name
    : `${execution.project}-${execution.domain}-${execution.name}`;
  return checked(`metadata/${segment(dir, "execution")}`);
}

/** `.../<node>/data`: the data folder of one node execution. */
export function nodeDataDir(execution: ExecutionIdentity, nodeId: string): string {
  return `${executionMetadataDir(execution)}/${segment(nodeId, "node")}/data`;
}

/** `.../<node>/data/inputs.pb`: the node's resolved inputs (`LiteralMap`). */
export function nodeInputsPath(execution: ExecutionIdentity, nodeId: string): string {
  return `${nodeDataDir(execution, nodeId)}/inputs.pb`;
}

/** `.../<node>/data/<attempt>/<document>`: what one attempt wrote. */
export function attemptDocumentPath(
  execution: ExecutionIdentity,
  nodeId: string,
  attempt: number,
  document: AttemptDocument,
): string {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`Attempt of node "${nodeId}" must be a non-negative integer; got ${attempt}.`);
  }
  return `${nodeDataDir(execution, nodeId)}/${attempt}/${document}`;
}

/** `raw/<project>-<domain>-<name>/<node>/<attempt>`: where an attempt writes raw data. */
export function rawDataDir(execution: ExecutionIdentity, nodeId: string, attempt: number): string {
  const meta = executionMetadataDir(execution).slice("metadata/".length);
  return checked(`raw/${meta}/${segment(nodeId, "node")}/${attempt}`);
}

/** `uploads/<project>/<domain>/<digest>/<file name>`: an uploaded code bundle. */
export function uploadPath(project: string, domain: string, digest: string, fileName: string): string {
  return checked(
    `uploads/${segment(project, "project")}/${segment(domain, "domain")}/${segment(digest, "digest")}/${segment(fileName, "file name")}`,
  );
}

/** A value that must be exactly one path segment; throws `E_BLOB_PATH` otherwise. */
function segment(value: string, what: string): string {
  if (value === "" || value.includes("/") || value === "." || value === "..") {
    throw new BlobError(
      "E_BLOB_PATH",
      value,
      `The ${what} ${JSON.stringify(value)} cannot be a blob path segment: it is empty, '.', '..' or contains '/'.`,
    );
  }
  blobPathSegments(value);
  return value;
}

function checked(path: string): string {
  blobPathSegments(path);
  return path;
}
