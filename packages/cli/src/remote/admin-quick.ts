/**
 * The AdminService methods `flyte run --remote` and `flyte register` call (lazy-client.ts): their
 * message files are task, workflow, launch plan, execution, common and project, which the
 * commands need anyway; the full service descriptor would build 27 IDL files' descriptors.
 * lazy-client.test.ts checks every entry against the generated AdminService.
 */
import type { DescService } from "@bufbuild/protobuf";
import { ObjectGetRequestSchema, ResourceListRequestSchema } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import {
  ExecutionCreateRequestSchema,
  ExecutionCreateResponseSchema,
  ExecutionSchema,
  WorkflowExecutionGetDataRequestSchema,
  WorkflowExecutionGetDataResponseSchema,
  WorkflowExecutionGetRequestSchema,
} from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import {
  ActiveLaunchPlanRequestSchema,
  LaunchPlanCreateRequestSchema,
  LaunchPlanCreateResponseSchema,
  LaunchPlanListSchema,
  LaunchPlanSchema,
  LaunchPlanUpdateRequestSchema,
  LaunchPlanUpdateResponseSchema,
} from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { ProjectGetRequestSchema, ProjectRegisterRequestSchema, ProjectRegisterResponseSchema, ProjectSchema } from "@flyte/idl/gen/flyteidl/admin/project_pb.js";
import { TaskCreateRequestSchema, TaskCreateResponseSchema, TaskSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { WorkflowCreateRequestSchema, WorkflowCreateResponseSchema, WorkflowSchema } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { quickService } from "./lazy-client.ts";

type Methods = (typeof AdminService)["method"];

/** Each entry typed by the generated method: a wrong message does not type-check. */
const METHODS = {
  createTask: { name: "CreateTask", input: TaskCreateRequestSchema, output: TaskCreateResponseSchema },
  getTask: { name: "GetTask", input: ObjectGetRequestSchema, output: TaskSchema },
  createWorkflow: { name: "CreateWorkflow", input: WorkflowCreateRequestSchema, output: WorkflowCreateResponseSchema },
  getWorkflow: { name: "GetWorkflow", input: ObjectGetRequestSchema, output: WorkflowSchema },
  createLaunchPlan: { name: "CreateLaunchPlan", input: LaunchPlanCreateRequestSchema, output: LaunchPlanCreateResponseSchema },
  getLaunchPlan: { name: "GetLaunchPlan", input: ObjectGetRequestSchema, output: LaunchPlanSchema },
  getActiveLaunchPlan: { name: "GetActiveLaunchPlan", input: ActiveLaunchPlanRequestSchema, output: LaunchPlanSchema },
  listLaunchPlans: { name: "ListLaunchPlans", input: ResourceListRequestSchema, output: LaunchPlanListSchema },
  updateLaunchPlan: { name: "UpdateLaunchPlan", input: LaunchPlanUpdateRequestSchema, output: LaunchPlanUpdateResponseSchema },
  createExecution: { name: "CreateExecution", input: ExecutionCreateRequestSchema, output: ExecutionCreateResponseSchema },
  getExecution: { name: "GetExecution", input: WorkflowExecutionGetRequestSchema, output: ExecutionSchema },
  getExecutionData: { name: "GetExecutionData", input: WorkflowExecutionGetDataRequestSchema, output: WorkflowExecutionGetDataResponseSchema },
  getProject: { name: "GetProject", input: ProjectGetRequestSchema, output: ProjectSchema },
  registerProject: { name: "RegisterProject", input: ProjectRegisterRequestSchema, output: ProjectRegisterResponseSchema },
} satisfies { readonly [K in keyof Methods]?: { readonly name: string; readonly input: Methods[K]["input"]; readonly output: Methods[K]["output"] } };

/** The proto names and messages of {@link ADMIN_QUICK}'s methods, by local name (for the test). */
export const ADMIN_QUICK_METHODS: Readonly<Record<string, { readonly name: string; readonly input: { readonly typeName: string }; readonly output: { readonly typeName: string } }>> = METHODS;

/** `flyteidl.service.AdminService` with only the methods above. */
export const ADMIN_QUICK: DescService = quickService("flyteidl.service.AdminService", METHODS);
