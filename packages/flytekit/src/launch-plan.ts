/**
 * `launchPlan(workflow, options)`: a named way to launch a workflow, with saved inputs (defaults
 * that callers may override, fixed inputs they may not), a schedule, notifications and a
 * parallelism limit. Every workflow also has a default launch plan of its own name (see
 * serialize/specs.ts). Calling a launch plan in a workflow body adds a launch-plan node (run as
 * a child execution); calling it anywhere else runs the workflow locally with the saved inputs.
 */
import { SimpleType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { z } from "zod";
import { callableFor } from "./call.ts";
import { definitionOf, definitionSite, provisionalName, type CallableEntity, type DefinitionSite, type DynamicOrigin, type EntityLocation } from "./entity.ts";
import { rememberDefinition } from "./naming.ts";
import { FlyteError } from "./errors.ts";
import { normalizeSchedule, type NormalizedSchedule, type ScheduleOption } from "./schedule.ts";
import { isPlainObject, type OutputsOption, type SchemaShape, type Signature } from "./signature.ts";
import { defaultValueOf, isOptionalInput, literalTypeOf, transformerFor } from "./types/index.ts";
import type { Bindable, CallInputs, Invocation, NativeInputs } from "./typing.ts";
import { WorkflowDefinition, type Workflow } from "./workflow.ts";

/** Terminal phases a notification may be sent on. */
export type NotificationPhase = "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** A message sent when an execution of the launch plan ends in one of `phases`. */
export interface NotificationOption {
  /** Where to send it. */
  readonly kind: "email" | "slack" | "pagerDuty";
  /** Terminal phases that trigger it; at least one. */
  readonly phases: readonly NotificationPhase[];
  /** Email addresses (for Slack and PagerDuty too, as in Flyte: the integration's address). */
  readonly recipients: readonly string[];
}

/** Options of `launchPlan()`. */
export interface LaunchPlanOptions<I extends SchemaShape, D, F> {
  /** @default `<module path>.<export name>`, set when the defining file is loaded */
  readonly name?: string;
  /** Inputs used when a launch does not pass them (they override the workflow's defaults). @default {} */
  readonly defaultInputs?: D & Partial<NativeInputs<I>>;
  /** Inputs always used; a launch that passes one is an error. @default {} */
  readonly fixedInputs?: F & Partial<NativeInputs<I>>;
  /** Runs the launch plan by itself once registered and activated. @default none */
  readonly schedule?: ScheduleOption;
  /** @default [] */
  readonly notifications?: readonly NotificationOption[];
  /** Most task and launch-plan nodes running at once in one execution; 0 for no limit. @default the engine's (local: no limit) */
  readonly maxParallelism?: number;
}

/** What a launch plan's callers pass: no fixed inputs, defaulted ones optional. */
export type LaunchPlanInputs<I extends SchemaShape, D extends PropertyKey, F extends PropertyKey> = CallInputs<Omit<I, D | F>> & {
  readonly [K in Exclude<Extract<keyof I, D>, F>]?: Bindable<z.output<I[K]>> | undefined;
};

/** A launch plan as users hold it. */
export type LaunchPlan<I extends SchemaShape, O extends OutputsOption, D extends PropertyKey = never, F extends PropertyKey = never> = (Record<never, never> extends LaunchPlanInputs<I, D, F>
  ? (inputs?: LaunchPlanInputs<I, D, F>) => Invocation<O>
  : (inputs: LaunchPlanInputs<I, D, F>) => Invocation<O>) & {
  /** @internal */
  readonly __kind?: "launchPlan";
};

const TERMINAL_PHASES: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

/** The definition behind a launch plan. */
export class LaunchPlanDefinition implements CallableEntity {
  readonly kind = "launchPlan" as const;
  name: string;
  readonly nameIsExplicit: boolean;
  /** Inputs callers may pass (fixed ones removed, defaulted ones optional); the workflow's outputs. */
  readonly signature: Signature;
  readonly workflow: WorkflowDefinition;
  readonly defaultInputs: Readonly<Record<string, unknown>>;
  readonly fixedInputs: Readonly<Record<string, unknown>>;
  readonly schedule: NormalizedSchedule | undefined;
  readonly notifications: readonly NotificationOption[];
  /** 0 for no limit; undefined to use the engine's. */
  readonly maxParallelism: number | undefined;
  location?: EntityLocation;
  readonly definedAt: DefinitionSite | undefined;
  origin?: DynamicOrigin;

  constructor(workflow: WorkflowDefinition, options: LaunchPlanOptions<SchemaShape, unknown, unknown>) {
    const raw: unknown = options;
    if (!isPlainObject(raw)) {
      throw new FlyteError("E_INVALID_DEFINITION", `launchPlan(workflow, options): options must be an object such as { name: "my_lp" }.`);
    }
    this.nameIsExplicit = options.name !== undefined;
    if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
      throw new FlyteError("E_INVALID_DEFINITION", `launchPlan(${workflow.name}, options): name must be a non-empty string.`);
    }
    this.definedAt = definitionSite();
    this.name = options.name ?? provisionalName("launchPlan", { name: "" }, this.definedAt);
    this.workflow = workflow;
    const what = `launch plan '${this.name}'`;
    const wfInputs = workflow.signature.inputs;
    this.defaultInputs = checkInputs(what, workflow, "defaultInputs", options.defaultInputs);
    this.fixedInputs = checkInputs(what, workflow, "fixedInputs", options.fixedInputs);
    for (const name of Object.keys(this.fixedInputs)) {
      if (name in this.defaultInputs) {
        throw new FlyteError("E_INVALID_DEFINITION", `${what}: input '${name}' is both a default and a fixed input; keep it in one of them.`);
      }
    }
    const inputs: Record<string, z.ZodType> = {};
    for (const name of workflow.signature.inputNames) {
      if (name in this.fixedInputs) continue;
      const schema = wfInputs[name] as z.ZodType;
      inputs[name] = name in this.defaultInputs ? (schema as z.ZodType & { default(v: unknown): z.ZodType }).default(this.defaultInputs[name]) : schema;
    }
    this.signature = { ...workflow.signature, inputs, inputNames: Object.keys(inputs) };
    this.schedule = options.schedule === undefined ? undefined : normalizeSchedule(options.schedule, this.name);
    if (this.schedule !== undefined) this.#checkScheduleInputs(what, this.schedule);
    this.notifications = checkNotifications(what, options.notifications ?? []);
    const mp = options.maxParallelism;
    if (mp !== undefined && (!Number.isInteger(mp) || mp < 0)) {
      throw new FlyteError("E_INVALID_DEFINITION", `${what}: maxParallelism must be a whole number ≥ 0 (0 for no limit), got ${String(mp)}.`);
    }
    this.maxParallelism = mp;
    rememberDefinition(this);
  }

  /** The kickoff input must be a DATETIME input the launch plan leaves open; nothing else may be unbound. */
  #checkScheduleInputs(what: string, schedule: NormalizedSchedule): void {
    const kickoff = schedule.kickoffTimeInput;
    if (kickoff !== undefined) {
      const schema = this.signature.inputs[kickoff];
      if (schema === undefined) {
        const reason = kickoff in this.fixedInputs ? "it is a fixed input" : `the workflow has no such input (it has: ${this.workflow.signature.inputNames.join(", ") || "none"})`;
        throw new FlyteError("E_INVALID_SCHEDULE", `${what}: kickoffTimeInput '${kickoff}' cannot receive the scheduled time: ${reason}.`);
      }
      const type = literalTypeOf(schema).type;
      // An optional date (a union with none) can receive the time too.
      const variants = type.case === "unionType" ? type.value.variants.map((v) => v.type) : [type];
      const dates = variants.filter((t) => t.case === "simple" && t.value === SimpleType.DATETIME).length;
      const others = variants.filter((t) => !(t.case === "simple" && (t.value === SimpleType.DATETIME || t.value === SimpleType.NONE))).length;
      if (dates !== 1 || others !== 0) {
        throw new FlyteError("E_INVALID_SCHEDULE", `${what}: kickoffTimeInput '${kickoff}' must be a z.date() input to receive the scheduled time.`);
      }
    }
    for (const name of this.signature.inputNames) {
      if (name === kickoff || isOptionalInput(this.signature.inputs[name] as z.ZodType)) continue;
      throw new FlyteError(
        "E_INVALID_SCHEDULE",
        `${what}: cannot create a schedule with an unbound required input '${name}'; give it a default or fixed value in the launch plan, or make it the kickoffTimeInput.`,
      );
    }
  }
}

function checkInputs(
  what: string,
  workflow: WorkflowDefinition,
  option: "defaultInputs" | "fixedInputs",
  values: unknown,
): Record<string, unknown> {
  if (values === undefined) return {};
  if (!isPlainObject(values)) throw new FlyteError("E_INVALID_DEFINITION", `${what}: ${option} must be an object of input values.`);
  const sig = workflow.signature;
  for (const [name, value] of Object.entries(values)) {
    const schema = sig.inputs[name];
    if (schema === undefined) {
      throw new FlyteError(
        "E_UNKNOWN_INPUT",
        `${what}: ${option} names '${name}', which workflow '${workflow.name}' does not have; its inputs are: ${sig.inputNames.join(", ") || "none"}.`,
      );
    }
    try {
      transformerFor(schema).toLiteral(value, { entity: what, side: "input", variable: name });
    } catch (err) {
      if (!(err instanceof FlyteError)) throw err;
      throw new FlyteError("E_INPUT_TYPE", `${what}: ${option}.${name}: ${err.message}`, { cause: err });
    }
  }
  return { ...values };
}

function checkNotifications(what: string, notifications: readonly NotificationOption[]): readonly NotificationOption[] {
  const list: unknown = notifications;
  if (!Array.isArray(list)) throw new FlyteError("E_INVALID_DEFINITION", `${what}: notifications must be an array.`);
  notifications.forEach((n, i) => {
    const at = `${what}: notifications[${i}]`;
    if (!isPlainObject(n) || !["email", "slack", "pagerDuty"].includes(n.kind)) {
      throw new FlyteError("E_INVALID_DEFINITION", `${at} must be { kind: "email" | "slack" | "pagerDuty", phases, recipients }.`);
    }
    if (!Array.isArray(n.phases) || n.phases.length === 0) {
      throw new FlyteError("E_INVALID_DEFINITION", `${at}: you must specify at least one phase for a notification.`);
    }
    for (const phase of n.phases as readonly unknown[]) {
      if (typeof phase !== "string" || !TERMINAL_PHASES.has(phase)) {
        throw new FlyteError("E_INVALID_DEFINITION", `${at}: invalid phase ${JSON.stringify(phase)}; only terminal phases are permitted (SUCCEEDED, FAILED, TIMED_OUT, ABORTED).`);
      }
    }
    if (!Array.isArray(n.recipients) || n.recipients.length === 0 || (n.recipients as readonly unknown[]).some((r) => typeof r !== "string" || r === "")) {
      throw new FlyteError("E_INVALID_DEFINITION", `${at}: recipients must be a non-empty list of addresses.`);
    }
  });
  return notifications;
}

/**
 * Throws when `inputs` (what a caller passed) sets one of the launch plan's fixed inputs.
 *
 * @throws FlyteError E_FIXED_INPUT naming the input and the launch plan.
 */
export function checkFixedInputs(lp: LaunchPlanDefinition, inputs: unknown): void {
  if (!isPlainObject(inputs)) return;
  for (const name of Object.keys(inputs)) {
    if (name in lp.fixedInputs) {
      throw new FlyteError(
        "E_FIXED_INPUT",
        `launch plan '${lp.name}' fixes input '${name}' to ${JSON.stringify(lp.fixedInputs[name]) ?? String(lp.fixedInputs[name])}; it cannot be overridden. Remove it from the call, or launch the workflow '${lp.workflow.name}' (or another launch plan) instead.`,
      );
    }
  }
}

/** The workflow inputs of one local launch: fixed inputs, then the caller's, then defaults. */
export function launchInputs(lp: LaunchPlanDefinition, inputs: Record<string, unknown>): Record<string, unknown> {
  checkFixedInputs(lp, inputs);
  const merged: Record<string, unknown> = { ...lp.defaultInputs };
  for (const [name, value] of Object.entries(inputs)) if (value !== undefined) merged[name] = value;
  return { ...merged, ...lp.fixedInputs };
}

/** Input names a launch may leave unbound: launch plan defaults and the workflow's own. */
export function optionalInputsOf(lp: LaunchPlanDefinition): string[] {
  return lp.signature.inputNames.filter((name) => {
    const schema = lp.signature.inputs[name] as z.ZodType;
    return defaultValueOf(schema).has || isOptionalInput(schema);
  });
}

/**
 * Defines a launch plan of `workflow`. Calling it in a workflow body adds a launch-plan node (a
 * child execution); calling it elsewhere runs the workflow locally with the saved inputs.
 *
 * @example
 * export const hourly = launchPlan(my_wf, {
 *   name: "my_lp", defaultInputs: { a: 3 }, fixedInputs: { b: "x" },
 *   schedule: { cron: "0 * * * *" },
 * });
 * await hourly({ a: 5 }); // my_wf({ a: 5, b: "x" })
 */
export function launchPlan<
  const I extends SchemaShape,
  const O extends OutputsOption,
  const D extends Partial<NativeInputs<I>> = Record<never, never>,
  const F extends Partial<NativeInputs<I>> = Record<never, never>,
>(workflow: Workflow<I, O>, options: LaunchPlanOptions<I, D, F>): LaunchPlan<I, O, keyof D, keyof F> {
  const wf = definitionOf(workflow);
  if (!(wf instanceof WorkflowDefinition)) {
    throw new FlyteError("E_INVALID_DEFINITION", `launchPlan(workflow, options): the first argument must be a workflow defined with workflow(); got ${wf === undefined ? typeof workflow : `a ${wf.kind}`}.`);
  }
  const definition = new LaunchPlanDefinition(wf, options);
  return callableFor(definition, (args) => checkFixedInputs(definition, args[0])) as unknown as LaunchPlan<I, O, keyof D, keyof F>;
}
