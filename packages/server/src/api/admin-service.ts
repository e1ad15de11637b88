/**
 * AdminService: the registry handlers of this package plus the execution handlers the server is
 * given, with every other RPC answering UNIMPLEMENTED by name.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import type { RegistryContext } from "./context.ts";
import { listIds } from "./entities.ts";
import { unimplemented } from "./errors.ts";
import type { ExecutionService } from "./execution-service.ts";
import { createLaunchPlan, getActiveLaunchPlan, getLaunchPlan, listActiveLaunchPlans, listLaunchPlans, updateLaunchPlan } from "./launch-plans.ts";
import { getNamedEntity, listNamedEntities, updateNamedEntity } from "./named-entities.ts";
import { getDomains, getProject, getVersion, listProjects, registerProject, updateProject } from "./projects.ts";
import { createTask, getTask, listTasks } from "./tasks.ts";
import { createWorkflow, getWorkflow, listWorkflows } from "./workflows.ts";

const NOT_YET = "matchable attributes and description entities are not supported yet";

function notYet(rpc: string): () => never {
  return () => {
    throw unimplemented(rpc, NOT_YET);
  };
}

/** The full AdminService implementation. */
export function adminService(ctx: RegistryContext, executions: ExecutionService): ServiceImpl<typeof AdminService> {
  return {
    createTask: (req) => createTask(ctx, req),
    getTask: (req) => getTask(ctx, req),
    listTaskIds: (req) => listIds(ctx, "task", req),
    listTasks: (req) => listTasks(ctx, req),
    createWorkflow: (req) => createWorkflow(ctx, req),
    getWorkflow: (req) => getWorkflow(ctx, req),
    listWorkflowIds: (req) => listIds(ctx, "workflow", req),
    listWorkflows: (req) => listWorkflows(ctx, req),
    createLaunchPlan: (req) => createLaunchPlan(ctx, req),
    getLaunchPlan: (req) => getLaunchPlan(ctx, req),
    getActiveLaunchPlan: (req) => getActiveLaunchPlan(ctx, req),
    listActiveLaunchPlans: (req) => listActiveLaunchPlans(ctx, req),
    listLaunchPlanIds: (req) => listIds(ctx, "launchPlan", req),
    listLaunchPlans: (req) => listLaunchPlans(ctx, req),
    updateLaunchPlan: (req) => updateLaunchPlan(ctx, req),
    registerProject: (req) => registerProject(ctx, req),
    updateProject: (req) => updateProject(ctx, req),
    getProject: (req) => getProject(ctx, req),
    listProjects: (req) => listProjects(ctx, req),
    getDomains: () => getDomains(ctx),
    getVersion: () => getVersion(),
    listNamedEntities: (req) => listNamedEntities(ctx, req),
    getNamedEntity: (req) => getNamedEntity(ctx, req),
    updateNamedEntity: (req) => updateNamedEntity(ctx, req),
    updateProjectDomainAttributes: notYet("UpdateProjectDomainAttributes"),
    getProjectDomainAttributes: notYet("GetProjectDomainAttributes"),
    deleteProjectDomainAttributes: notYet("DeleteProjectDomainAttributes"),
    updateProjectAttributes: notYet("UpdateProjectAttributes"),
    getProjectAttributes: notYet("GetProjectAttributes"),
    deleteProjectAttributes: notYet("DeleteProjectAttributes"),
    updateWorkflowAttributes: notYet("UpdateWorkflowAttributes"),
    getWorkflowAttributes: notYet("GetWorkflowAttributes"),
    deleteWorkflowAttributes: notYet("DeleteWorkflowAttributes"),
    listMatchableAttributes: notYet("ListMatchableAttributes"),
    getDescriptionEntity: notYet("GetDescriptionEntity"),
    listDescriptionEntities: notYet("ListDescriptionEntities"),
    ...executions,
  };
}
