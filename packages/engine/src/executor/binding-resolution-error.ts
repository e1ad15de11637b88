/**
 * Raised when a binding cannot produce a literal: the upstream node has no outputs yet, the
 * output variable does not exist, or an attribute path does not fit the value.
 */
export class BindingResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BindingResolutionError";
  }
}
