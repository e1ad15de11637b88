/**
 * A named launch plan as a flyteidl `admin.LaunchPlan`: the workflow it launches, its parameters
 * (every workflow input except the fixed ones, with a default where the launch plan or the
 * workflow gives one), its fixed inputs, schedule, notifications and max parallelism. Also the
 * launch plan's interface as the compiler needs it for launch-plan nodes.
 */
import { create } from "@bufbuild/protobuf";
import { NotificationSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { LaunchPlanSchema, LaunchPlanSpecSchema, type LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { FixedRateUnit, ScheduleSchema, type Schedule } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ParameterMapSchema, ParameterSchema, type Parameter } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CompileInput } from "@flyte/engine";
import type { z } from "zod";
import { optionalInputsOf, type LaunchPlanDefinition, type NotificationOption } from "../launch-plan.ts";
import { stableName } from "../naming.ts";
import type { NormalizedSchedule } from "../schedule.ts";
import { defaultValueOf, isOptionalInput, transformerFor } from "../types/index.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";

/** What the compiler needs of a launch plan. */
export type LaunchPlanInterface = NonNullable<CompileInput["launchPlans"]>[number];

/** The launch plan's interface: the inputs a launch may pass (fixed ones removed) and the workflow's outputs. */
export function launchPlanInterfaceOf(lp: LaunchPlanDefinition, settings: SerializationSettings): LaunchPlanInterface {
  return { id: identifierOf("launchPlan", lp.name, settings), interface: typedInterfaceOf(lp.name, lp.signature), defaultInputs: optionalInputsOf(lp) };
}

/** Literals of the inputs a launch may leave out: launch plan defaults, workflow defaults, optionals (none). */
export function launchPlanDefaults(lp: LaunchPlanDefinition): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const name of lp.signature.inputNames) {
    const literal = defaultLiteral(lp, name);
    if (literal !== undefined) literals[name] = literal;
  }
  return create(LiteralMapSchema, { literals });
}

/** Literals of the fixed inputs. */
export function launchPlanFixed(lp: LaunchPlanDefinition): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(lp.fixedInputs)) {
    literals[name] = transformerFor(lp.workflow.signature.inputs[name] as z.ZodType).toLiteral(value, {
      entity: `launch plan '${lp.name}'`,
      side: "input",
      variable: name,
    });
  }
  return create(LiteralMapSchema, { literals });
}

function defaultLiteral(lp: LaunchPlanDefinition, name: string): Literal | undefined {
  const schema = lp.signature.inputs[name] as z.ZodType;
  const site = { entity: `launch plan '${lp.name}'`, side: "input", variable: name } as const;
  const fallback = defaultValueOf(schema);
  if (fallback.has) return transformerFor(schema).toLiteral(fallback.value, site);
  if (isOptionalInput(schema)) return transformerFor(schema).toLiteral(undefined, site);
  return undefined;
}

/** The `admin.LaunchPlan` of a named launch plan. */
export function launchPlanOf(lp: LaunchPlanDefinition, settings: SerializationSettings): LaunchPlan {
  const iface = typedInterfaceOf(lp.name, lp.signature);
  const parameters: Record<string, Parameter> = {};
  for (const [name, variable] of Object.entries(iface.inputs?.variables ?? {})) {
    const literal = defaultLiteral(lp, name);
    parameters[name] = create(ParameterSchema, {
      var: variable,
      behavior: literal === undefined ? { case: "required", value: true } : { case: "default", value: literal },
    });
  }
  return create(LaunchPlanSchema, {
    id: identifierOf("launchPlan", stableName(lp), settings),
    spec: create(LaunchPlanSpecSchema, {
      workflowId: identifierOf("workflow", lp.workflow.name, settings),
      entityMetadata: {
        ...(lp.schedule !== undefined ? { schedule: scheduleOf(lp.schedule) } : {}),
        notifications: lp.notifications.map(notificationOf),
      },
      defaultInputs: create(ParameterMapSchema, { parameters }),
      fixedInputs: launchPlanFixed(lp),
      maxParallelism: lp.maxParallelism ?? 0,
    }),
  });
}

function scheduleOf(schedule: NormalizedSchedule): Schedule {
  const kickoffTimeInputArg = schedule.kickoffTimeInput ?? "";
  if (schedule.kind === "cron") {
    return create(ScheduleSchema, { ScheduleExpression: { case: "cronSchedule", value: { schedule: schedule.expression, offset: "" } }, kickoffTimeInputArg });
  }
  return create(ScheduleSchema, {
    ScheduleExpression: { case: "rate", value: { value: schedule.value, unit: FixedRateUnit[schedule.unit] } },
    kickoffTimeInputArg,
  });
}

const PHASES = {
  SUCCEEDED: WorkflowExecution_Phase.SUCCEEDED,
  FAILED: WorkflowExecution_Phase.FAILED,
  TIMED_OUT: WorkflowExecution_Phase.TIMED_OUT,
  ABORTED: WorkflowExecution_Phase.ABORTED,
} as const;

function notificationOf(n: NotificationOption) {
  const value = { recipientsEmail: [...n.recipients] };
  return create(NotificationSchema, {
    phases: n.phases.map((p) => PHASES[p]),
    type: n.kind === "email" ? { case: "email", value } : n.kind === "slack" ? { case: "slack", value } : { case: "pagerDuty", value },
  });
}
