/** Stable codes of {@link QueueError}. */
export type QueueErrorCode = "E_ATTEMPT_NOT_FOUND" | "E_INVALID_ARGUMENT";

const BRAND = Symbol.for("flyte.server.QueueError");

/**
 * A queue call that was refused.
 *
 * @example
 * try { await queue.complete(id, worker, bytes); } catch (err) { if (isQueueError(err)) ... }
 */
export class QueueError extends Error {
  /** Machine-readable reason. */
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "QueueError";
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether `value` is a {@link QueueError}, from any copy of this module. */
export function isQueueError(value: unknown): value is QueueError {
  return typeof value === "object" && value !== null && BRAND in value;
}
