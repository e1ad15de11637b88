export { AttemptQueue } from "./attempt-queue.ts";
export type { AttemptQueueOptions } from "./attempt-queue.ts";
export { QueueError, isQueueError } from "./queue-error.ts";
export type { QueueErrorCode } from "./queue-error.ts";
export { queueMigrations } from "./queue-schema.ts";
export type {
  AttemptState,
  CompletionOutcome,
  EnqueueRequest,
  FoundAttempt,
  LeasedAttempt,
  LeaseOptions,
  LeaseWaitOptions,
  QueuedAttempt,
  ReleasedAttempt,
} from "./queue-types.ts";
