/** What the execution RPC handlers share. */
import type { BlobStore } from "../blob/blob-store.ts";
import type { AttemptQueue } from "../queue/attempt-queue.ts";
import type { RegistryStore } from "../registry/registry-store.ts";
import type { SqliteStateStore } from "../store/sqlite-state-store.ts";
import type { ExecutionSpecs } from "./execution-records.ts";
import type { Orchestrator } from "./orchestrator.ts";

/** The parts behind the execution RPCs. */
export interface ExecutionsContext {
  readonly registry: RegistryStore;
  readonly store: SqliteStateStore;
  readonly specs: ExecutionSpecs;
  readonly orchestrator: Orchestrator;
  readonly queue: AttemptQueue;
  readonly blobs: BlobStore;
  /** Milliseconds since the epoch. */
  now(): number;
}
