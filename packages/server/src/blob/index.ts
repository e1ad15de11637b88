export { BlobError, isBlobError } from "./blob-store.ts";
export type { BlobErrorCode, BlobStore } from "./blob-store.ts";
export { LocalBlobStore } from "./local-blob-store.ts";
export type { LocalBlobStoreOptions } from "./local-blob-store.ts";
export { blobPathSegments } from "./blob-path.ts";
export {
  attemptDocumentPath,
  executionMetadataDir,
  nodeDataDir,
  nodeInputsPath,
  rawDataDir,
  uploadPath,
} from "./blob-layout.ts";
export type { AttemptDocument, ExecutionIdentity } from "./blob-layout.ts";
