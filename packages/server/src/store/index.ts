export { SqliteStateStore } from "./sqlite-state-store.ts";
export type { SqliteStateStoreOptions } from "./sqlite-state-store.ts";
export { executionKey, parseExecutionKey } from "./execution-key.ts";
export { stateMigrations } from "./state-schema.ts";
export type {
  ExecutionPage,
  ExecutionSummary,
  ListExecutionsQuery,
  StoredNodeExecution,
  StoredTaskExecution,
} from "./state-types.ts";
