/**
 * Where gate nodes get their signals: the value of a `waitForInput` gate, or the yes/no of an
 * `approve` gate. Local runs answer from `--signal` values or a terminal prompt; the server
 * answers from its SignalService (values set through the API or the console).
 */
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

/** What a gate waits for. */
export interface SignalRequest {
  readonly executionId: string;
  /** Fully qualified id of the gate node. */
  readonly nodeId: string;
  /** The gate's name (flyteidl `signal_id`), unique per execution. */
  readonly signalId: string;
  /** `signal`: a value of `type`; `approve`: a BOOLEAN (true approves, false rejects). */
  readonly kind: "signal" | "approve";
  /** The type of the expected value (BOOLEAN for approvals). */
  readonly type: LiteralType;
  /** For approvals: the values being approved (the gate's inputs), to show to whoever decides. */
  readonly inputs?: LiteralMap;
  /** How long the gate waits; 0 for no limit. The engine enforces it, this is informative. */
  readonly timeoutMs: number;
  /** Aborted when the gate times out or the execution ends; stop waiting then. */
  readonly signal: AbortSignal;
}

/**
 * Supplies signal values. `waitForSignal` resolves with the value when it is set; it rejects
 * (ideally with a {@link SignalUnavailableError}) when no value can ever arrive, which fails the
 * gate node with the error's message.
 */
export interface SignalSource {
  waitForSignal(request: SignalRequest): Promise<Literal>;
}

/** No value can be given for a signal (e.g. a local run without a terminal or `--signal`). */
export class SignalUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignalUnavailableError";
  }
}
