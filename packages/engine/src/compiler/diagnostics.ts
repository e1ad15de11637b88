/**
 * Compiler diagnostics: every problem the compiler finds is returned as data (a code, a path and a
 * message) and rendered separately, so callers can show all of them at once instead of stopping at
 * the first.
 */

/**
 * Stable codes for compiler diagnostics. The names follow Flyte's compiler error codes
 * (`MismatchingTypes` → `E_MISMATCHING_TYPES`, ...) so people moving between the two recognise them.
 */
export type DiagnosticCode =
  | "E_MISMATCHING_TYPES"
  | "E_PARAMETER_NOT_BOUND"
  | "E_PARAMETER_BOUND_TWICE"
  | "E_VARIABLE_NOT_FOUND"
  | "E_NODE_NOT_FOUND"
  | "E_CYCLE_DETECTED"
  | "E_DUPLICATE_ID"
  | "E_RESERVED_ID"
  | "E_TASK_NOT_FOUND"
  | "E_WORKFLOW_NOT_FOUND"
  | "E_LAUNCH_PLAN_NOT_FOUND"
  | "E_NO_NODES"
  | "E_OUTPUT_NOT_BOUND"
  | "E_UNKNOWN_OUTPUT"
  | "E_MISSING_TARGET"
  | "E_INVALID_BINDING"
  /** A required field of the IDL message is empty (node id, variable type, template id, ...). */
  | "E_VALUE_REQUIRED"
  /** An attribute path names a field or index the upstream type does not have. */
  | "E_FIELD_NOT_FOUND"
  /** A constant bound to an enum input is not one of the enum's values. */
  | "E_ILLEGAL_ENUM_VALUE"
  /** Two output aliases of one node rename the same variable, or an alias names no output. */
  | "E_DUPLICATE_ALIAS"
  /** The compiler itself failed; the message carries the exception. Always a bug. */
  | "E_INTERNAL";

/** One problem found by the compiler. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** Where the problem is, outermost first, e.g. `workflow my_wf > node n2 > input x`. */
  readonly path: string;
  /** What is wrong, naming the entities and types involved. */
  readonly message: string;
  /** The id of the node the problem belongs to, when there is one. */
  readonly nodeId?: string;
}

/**
 * Renders diagnostics one per line as `E_CODE at <path>: <message>`.
 *
 * @example
 * ```ts
 * const result = compileWorkflow(input);
 * if (!result.ok) console.error(formatDiagnostics(result.diagnostics));
 * ```
 */
export function formatDiagnostics(diags: readonly Diagnostic[]): string {
  return diags.map((d) => `${d.code} at ${d.path}: ${d.message}`).join("\n");
}

/**
 * A location in the input being compiled. Scopes are cheap to derive, so every check can report
 * against the exact spot it is looking at.
 */
export class Scope {
  readonly path: string;
  readonly nodeId: string | undefined;
  readonly #sink: Diagnostic[];

  constructor(sink: Diagnostic[], path: string, nodeId?: string) {
    this.#sink = sink;
    this.path = path;
    this.nodeId = nodeId;
  }

  /** A scope one level deeper, e.g. `child("input x")`. */
  child(segment: string): Scope {
    return new Scope(this.#sink, `${this.path} > ${segment}`, this.nodeId);
  }

  /** A scope for a node; diagnostics reported in it carry the node id. */
  node(nodeId: string, segment = `node ${nodeId}`): Scope {
    return new Scope(this.#sink, `${this.path} > ${segment}`, nodeId);
  }

  /** Records a diagnostic at this scope's path. */
  report(code: DiagnosticCode, message: string): void {
    this.#sink.push(
      this.nodeId === undefined
        ? { code, path: this.path, message }
        : { code, path: this.path, message, nodeId: this.nodeId },
    );
  }
}
