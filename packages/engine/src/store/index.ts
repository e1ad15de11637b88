export { MemoryStore } from "./memory-store.ts";
export type {
  ExecutionRecord,
  MaybePromise,
  NewExecution,
  NodeExecutionRecord,
  StateStore,
  TaskExecutionRecord,
} from "./state-store.ts";
export { StoreError, isStoreError } from "./store-error.ts";
export type { StoreErrorCode } from "./store-error.ts";
export { applyNodeEvent, applyTaskEvent, applyWorkflowEvent, newExecutionRecord } from "./event-fold.ts";
export type { Draft } from "./event-fold.ts";
export {
  ARRAY_ITEM_PHASES,
  MAX_ITEM_ATTEMPTS,
  applyArrayItemEvent,
  arrayItemPhaseCode,
  itemNodeStub,
  newArrayItems,
  startsFullItemRecord,
  summarizeArrayItems,
} from "./array-items.ts";
export type { ArrayItemsDraft, ArrayItemsSummary } from "./array-items.ts";
