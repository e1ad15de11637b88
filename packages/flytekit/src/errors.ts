/**
 * The SDK's error taxonomy: one class, a closed union of string codes.
 *
 * Every message names what it is about (the entity, the input or output, the node) and says
 * what to do. Codes are stable and listed in docs/errors.md.
 */

/** Stable codes of every error the SDK raises. */
export type FlyteErrorCode =
  // authoring: definitions
  | "E_INVALID_DEFINITION"
  | "E_RESERVED_NAME"
  | "E_DUPLICATE_NAME"
  | "E_UNNAMED_ENTITY"
  | "E_TYPE_UNSUPPORTED"
  // authoring: calls and promises
  | "E_POSITIONAL_ARGS"
  | "E_UNKNOWN_INPUT"
  | "E_MISSING_INPUT"
  | "E_INPUT_TYPE"
  | "E_PROMISE_MISUSE"
  | "E_OUTPUT_BINDING"
  | "E_ASYNC_WORKFLOW_BODY"
  | "E_NOT_IN_WORKFLOW"
  // composition: conditionals and launch plans
  | "E_CONDITION"
  | "E_FIXED_INPUT"
  | "E_INVALID_SCHEDULE"
  // gates, failure handlers, task context
  | "E_GATE"
  | "E_FAILURE_HANDLER_INPUTS"
  | "E_NOT_IN_TASK"
  | "E_SECRET"
  // values crossing a task boundary
  | "E_VALUE_TYPE"
  // files, directories and dataframes
  | "E_DATA_NOT_FOUND"
  | "E_DATA_STORE"
  | "E_DATA_FORMAT"
  | "E_DATA_TRANSFER"
  // compilation
  | "E_COMPILE"
  // execution
  | "E_EXECUTION_FAILED"
  // eager tasks: an awaited call failed (catchable in the eager body)
  | "E_EAGER_CALL_FAILED"
  | "E_LOAD";

/** Cross-realm brand: `instanceof` works across module copies and worker realms. */
const BRAND = Symbol.for("flytekit.FlyteError");

/**
 * The error every SDK failure is raised as.
 *
 * @example
 * try { await my_wf({ a: "x" as never }); } catch (e) { if (e instanceof FlyteError) console.log(e.code); }
 */
export class FlyteError extends Error {
  /** Stable machine-readable code. */
  readonly code: FlyteErrorCode;

  constructor(code: FlyteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "FlyteError";
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * A user error that Flyte retries, up to the task's `retries`. Any other error thrown by a task
 * body fails the node at once.
 *
 * @example
 * if (response.status === 503) throw new FlyteRecoverableError("service busy, try again");
 */
export class FlyteRecoverableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FlyteRecoverableError";
  }
}
