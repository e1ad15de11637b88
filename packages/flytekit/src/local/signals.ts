/**
 * Signals of local runs: values given up front (`flyte run --signal name=value`, or the
 * `signals` option of an internal run), else a prompt when the CLI runs in a terminal, else a
 * clear failure — a local run never waits forever for a signal nobody can send.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SignalUnavailableError, type SignalRequest, type SignalSource } from "@flyte/engine";
import type { CallableEntity } from "../entity.ts";
import { gatesOfBody, type GateEntity } from "../gates.ts";
import { transformerFor } from "../types/index.ts";
import { WorkflowDefinition } from "../workflow.ts";

/** A gate of a workflow, as local runs and the CLI see it. */
export interface GateInfo {
  readonly kind: "signal" | "approve";
  readonly name: string;
  /** The signal's type; for approvals, the type of the value being approved. */
  readonly schema: GateEntity["signature"]["inputs"][string];
}

/** Asks for a signal value; resolves with a native value (a boolean for approvals). */
export type SignalPrompt = (gate: GateInfo, request: { readonly nodeId: string; readonly value?: unknown; readonly signal: AbortSignal }) => Promise<unknown>;

/** Signal and approval gates of `entity` and of the workflows it calls, by name. */
export function gatesOf(entity: CallableEntity): Map<string, GateInfo> {
  const gates = new Map<string, GateInfo>();
  const seen = new Set<CallableEntity>();
  const visit = (e: CallableEntity): void => {
    if (!(e instanceof WorkflowDefinition) || seen.has(e)) return;
    seen.add(e);
    const builder = e.trace().builder;
    for (const g of gatesOfBody(builder)) {
      if (g.gate.kind !== "sleep") gates.set(g.name, { kind: g.gate.kind, name: g.name, schema: g.gate.schema });
    }
    for (const node of builder.nodes) visit(node.entity);
    if (e.onFailure !== undefined) visit(e.onFailure);
  };
  visit(entity);
  return gates;
}

/** The signal source of one local run of `entity`. */
export class LocalSignalSource implements SignalSource {
  readonly #entity: CallableEntity;
  readonly #gates: Map<string, GateInfo>;
  readonly #values: Readonly<Record<string, unknown>>;
  readonly #prompt: SignalPrompt | undefined;

  constructor(entity: CallableEntity, values: Readonly<Record<string, unknown>> = {}, prompt?: SignalPrompt) {
    this.#entity = entity;
    this.#gates = gatesOf(entity);
    this.#values = values;
    this.#prompt = prompt;
  }

  async waitForSignal(request: SignalRequest): Promise<Literal> {
    const gate = this.#gates.get(request.signalId);
    if (gate === undefined) throw new SignalUnavailableError(`no gate named '${request.signalId}' was found in ${this.#entity.kind} '${this.#entity.name}'.`);
    let value: unknown;
    if (Object.hasOwn(this.#values, gate.name)) {
      value = this.#values[gate.name];
    } else if (this.#prompt !== undefined) {
      const shown = gate.kind === "approve" ? approvedValue(gate, request) : undefined;
      value = await this.#prompt(gate, { nodeId: request.nodeId, ...(shown === undefined ? {} : { value: shown }), signal: request.signal });
    } else {
      throw new SignalUnavailableError(
        `this run has no value for ${gate.kind === "approve" ? "approval" : "signal"} '${gate.name}'. ` +
          `Give one with 'flyte run FILE ${this.#entity.name} --signal ${gate.name}=${gate.kind === "approve" ? "yes|no" : "VALUE"}' ` +
          `(or run it in a terminal to be asked).`,
      );
    }
    if (gate.kind === "approve") {
      if (typeof value !== "boolean") throw new SignalUnavailableError(`the answer to approval '${gate.name}' must be yes or no (true/false).`);
      return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "boolean", value } } } } } });
    }
    const site = { entity: `signal '${gate.name}'`, side: "input" as const, variable: gate.name };
    return transformerFor(gate.schema, site).toLiteral(value, site);
  }
}

function approvedValue(gate: GateInfo, request: SignalRequest): unknown {
  const literal = Object.values(request.inputs?.literals ?? {})[0];
  if (literal === undefined) return undefined;
  const site = { entity: `gate '${gate.name}'`, side: "input" as const, variable: gate.name };
  try {
    return transformerFor(gate.schema, site).fromLiteral(literal, site);
  } catch {
    return undefined;
  }
}
