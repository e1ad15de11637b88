/** Stable codes of the errors every {@link StateStore} raises. */
export type StoreErrorCode =
  | "E_EXECUTION_EXISTS"
  | "E_EXECUTION_NOT_FOUND"
  | "E_EXECUTION_TERMINAL"
  | "E_NODE_NOT_FOUND"
  /** An array item event whose index is not below the array node's item count. */
  | "E_ITEM_OUT_OF_RANGE";

/** Cross-realm brand, so `isStoreError` works across module copies. */
const BRAND = Symbol.for("flyte.engine.StoreError");

/**
 * A write a store refused. Every store implementation raises these codes, so callers (the engine,
 * the server's API layer) can map them without knowing which store they talk to.
 *
 * @example
 * try { store.createExecution(e); } catch (err) { if (isStoreError(err) && err.code === "E_EXECUTION_EXISTS") ... }
 */
export class StoreError extends Error {
  /** Machine-readable reason. */
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "StoreError";
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Whether `value` is a {@link StoreError}, from any copy of this module. */
export function isStoreError(value: unknown): value is StoreError {
  return typeof value === "object" && value !== null && BRAND in value;
}
