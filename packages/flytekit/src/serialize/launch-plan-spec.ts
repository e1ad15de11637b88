/**
 * A named launch plan as a flyteidl `admin.LaunchPlan`: the workflow it launches, its parameters
 * (every workflow input except the fixed ones, with a default where the launch plan or the
 * workflow gives one), its fixed inputs, schedule, notifications and max parallelism. Apart from
 * launch-plan.ts so that a local run does not load the admin IDL.
 */
import { create } from "@bufbuild/protobuf";
import { NotificationSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { LaunchPlanSchema, LaunchPlanSpecSchema, type LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { FixedRateUnit, ScheduleSchema, type Schedule } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { ParameterMapSchema, ParameterSchema, type Parameter } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { LaunchPlanDefinition, NotificationOption } from "../launch-plan.ts";
import { stableName } from "../naming.ts";
import type { NormalizedSchedule } from "../schedule.ts";
import { typedInterfaceOf } from "./interface.ts";
import { launchPlanDefaultLiteral, launchPlanFixed } from "./launch-plan.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";

/** The `admin.LaunchPlan` of a named launch plan. */
export function launchPlanOf(lp: LaunchPlanDefinition, settings: SerializationSettings): LaunchPlan {
  const iface = typedInterfaceOf(lp.name, lp.signature);
  const parameters: Record<string, Parameter> = {};
  for (const [name, variable] of Object.entries(iface.inputs?.variables ?? {})) {
    const literal = launchPlanDefaultLiteral(lp, name);
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
