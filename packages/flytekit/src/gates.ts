/**
 * Gate nodes (flyte-semantics.md §1.13): `sleep`, `waitForInput` and `approve` pause a workflow
 * until time passes, a value is given, or someone approves. They are nodes of the workflow body,
 * so they can only be used inside one.
 */
import type { z } from "zod";
import { bindValue } from "./bind.ts";
import { currentBuilder, type WorkflowBuilder } from "./builder.ts";
import type { CallableEntity } from "./entity.ts";
import { parseDuration, type DurationInput } from "./duration-text.ts";
import { FlyteError } from "./errors.ts";
import { isHandle, makeHandle, type VoidHandle } from "./handles.ts";
import { NodePromise, isNodePromise } from "./promise.ts";
import type { Signature } from "./signature.ts";
import { create } from "@bufbuild/protobuf";
import { BindingSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";

/** How long a signal or approval gate waits when no timeout is given: one hour, as in Flyte. */
export const DEFAULT_GATE_TIMEOUT_MS = 3_600_000;

/** Options of `waitForInput()`. */
export interface WaitForInputOptions<T extends z.ZodType> {
  /** The type of the value to wait for (its output `o0` has this type). */
  readonly type: T;
  /** How long to wait; the node fails when it passes. @default "1h" */
  readonly timeout?: DurationInput;
}

/** Options of `approve()`. */
export interface ApproveOptions {
  /** How long to wait for a decision; the node fails when it passes. @default "1h" */
  readonly timeout?: DurationInput;
}

/** What a gate waits for. */
export type GateSpec =
  | { readonly kind: "sleep"; readonly durationMs: number }
  | { readonly kind: "signal"; readonly name: string; readonly schema: z.ZodType; readonly timeoutMs: number }
  | { readonly kind: "approve"; readonly name: string; readonly schema: z.ZodType; readonly variable: string; readonly timeoutMs: number };

/** The pseudo-entity behind a gate node (gates are nodes, not registrable entities). */
export class GateEntity implements CallableEntity {
  readonly kind = "gate" as const;
  name: string;
  readonly nameIsExplicit = true;
  readonly signature: Signature;
  readonly gate: GateSpec;

  constructor(gate: GateSpec) {
    this.gate = gate;
    this.name = gate.kind === "sleep" ? "sleep" : gate.name;
    const io = gate.kind === "sleep" ? {} : gate.kind === "signal" ? { o0: gate.schema } : { [gate.variable]: gate.schema };
    this.signature = {
      inputs: gate.kind === "approve" ? io : {},
      inputNames: gate.kind === "approve" ? Object.keys(io) : [],
      outputs: io,
      outputNames: Object.keys(io),
      outputForm: gate.kind === "sleep" ? "none" : "single",
    };
  }
}

/** Gates created in each workflow body, by the body's top-level builder (local runs look them up). */
const gatesByBody = new WeakMap<WorkflowBuilder, GateEntity[]>();

/** The gates created while tracing the body whose builder is `builder` (nested bodies included). */
export function gatesOfBody(builder: WorkflowBuilder): readonly GateEntity[] {
  return gatesByBody.get(builder) ?? [];
}

/**
 * A node that waits `duration` (milliseconds, or text such as "10m") and does nothing else. It
 * has no inputs or outputs: order it with `runsBefore`. Local runs really sleep.
 *
 * @example
 * sleep("30s").runsBefore(t2({ a }));
 */
export function sleep(duration: DurationInput): VoidHandle {
  const builder = requireBuilder("sleep()");
  const durationMs = parseDuration(duration, "sleep(): duration");
  const node = builder.addNode(register(builder, new GateEntity({ kind: "sleep", durationMs })));
  return makeHandle(node, "none", [], []) as VoidHandle;
}

/**
 * A node that waits for a value named `name` of type `type`, given when the workflow runs
 * (`flyte run ... --signal name=value`, a terminal prompt, or the server's signal API). Its
 * output `o0` is that value.
 *
 * @example
 * const title = waitForInput("title", { type: z.string(), timeout: "10m" });
 * publish({ title });
 */
export function waitForInput<T extends z.ZodType>(name: string, options: WaitForInputOptions<T>): NodePromise<z.output<T>> {
  const builder = requireBuilder("waitForInput()");
  checkName(builder, name, "waitForInput()");
  const timeoutMs = timeoutOf(options.timeout, `waitForInput('${name}')`);
  if (typeof options.type !== "object" || options.type === null || !("_zod" in options.type)) {
    throw new FlyteError("E_GATE", `waitForInput('${name}'): 'type' must be a zod schema, e.g. { type: z.int() }.`);
  }
  const node = builder.addNode(register(builder, new GateEntity({ kind: "signal", name, schema: options.type, timeoutMs })));
  node.overrides = { timeout: timeoutMs };
  return new NodePromise<z.output<T>>({ nodeId: node.id, variable: "o0", schema: options.type, node, label: `the value of signal gate '${name}' (node ${node.id})` });
}

/**
 * A node that waits for someone to approve `value` (the output of an upstream node) under the
 * name `name`, then passes it on unchanged. A rejection fails the workflow.
 *
 * @example
 * const total = approve(computeTotal({ order }), "approve-total", { timeout: "1d" });
 * charge({ total });
 */
export function approve<T>(value: NodePromise<T>, name: string, options: ApproveOptions = {}): NodePromise<T> {
  const builder = requireBuilder("approve()");
  checkName(builder, name, "approve()");
  if (!isNodePromise(value)) {
    throw new FlyteError(
      "E_GATE",
      isHandle(value)
        ? `approve('${name}'): the call passed has no single value to approve (no outputs, or several); pass one output promise, e.g. approve(t({ ... }).o0, ...) or a destructured output.`
        : `approve('${name}'): pass the output promise of a node to approve, got ${value === null ? "null" : typeof value}.`,
    );
  }
  const ref = NodePromise.refOf(value);
  if (ref.node === undefined) {
    throw new FlyteError("E_GATE", `approve('${name}'): ${ref.label} is a workflow input; only outputs of nodes can be approved.`);
  }
  const timeoutMs = timeoutOf(options.timeout, `approve('${name}')`);
  const entity = register(builder, new GateEntity({ kind: "approve", name, schema: ref.schema, variable: ref.variable, timeoutMs }));
  const node = builder.addNode(entity);
  node.overrides = { timeout: timeoutMs };
  const label = `input '${ref.variable}' of approval gate '${name}' (node ${node.id})`;
  const binding = bindValue(value, ref.schema, { entity: `gate '${name}'`, side: "input", variable: ref.variable, label }, builder, node.upstream);
  node.bindings.push(create(BindingSchema, { var: ref.variable, binding }));
  return new NodePromise<T>({ nodeId: node.id, variable: ref.variable, schema: ref.schema, node, label: `the approved value of gate '${name}' (node ${node.id})` });
}

function requireBuilder(what: string): WorkflowBuilder {
  const builder = currentBuilder();
  if (builder === undefined) {
    throw new FlyteError(
      "E_NOT_IN_WORKFLOW",
      `${what} adds a gate node to a workflow, so it can only be called inside a workflow body; wrap it in workflow(...).`,
    );
  }
  return builder;
}

function rootOf(builder: WorkflowBuilder): WorkflowBuilder {
  let root = builder;
  while (root.parent !== undefined) root = root.parent;
  return root;
}

function register(builder: WorkflowBuilder, gate: GateEntity): GateEntity {
  const root = rootOf(builder);
  const list = gatesByBody.get(root) ?? [];
  list.push(gate);
  gatesByBody.set(root, list);
  return gate;
}

function checkName(builder: WorkflowBuilder, name: string, what: string): void {
  if (typeof name !== "string" || name === "") {
    throw new FlyteError("E_GATE", `${what}: the gate needs a non-empty name (the id its signal is set by).`);
  }
  if (gatesOfBody(rootOf(builder)).some((g) => g.gate.kind !== "sleep" && g.name === name)) {
    throw new FlyteError("E_GATE", `${what}: workflow '${builder.workflowName}' already has a gate named '${name}'; signal names must be unique in a workflow.`);
  }
}

function timeoutOf(timeout: DurationInput | undefined, what: string): number {
  return timeout === undefined ? DEFAULT_GATE_TIMEOUT_MS : parseDuration(timeout, `${what}: timeout`);
}
