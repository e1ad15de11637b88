/**
 * Why a task's code could not be loaded. Reported as a SYSTEM error of the attempt; recoverable
 * when retrying may help (the bundle's server was unreachable), not otherwise.
 */
export class CodeLoadError extends Error {
  readonly recoverable: boolean;

  constructor(message: string, options: { recoverable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "CodeLoadError";
    this.recoverable = options.recoverable ?? false;
  }
}
