/** Registered entities: the latest version of a launch plan, workflow or task by name. */
import { fromBinary } from "@bufbuild/protobuf";
import { ResourceType, type Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { WorkflowSchema, type Workflow } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import type { Task } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { msOf } from "../lib/time.ts";
import { admin } from "./clients.ts";

function newest<T extends { closure?: { createdAt?: Parameters<typeof msOf>[0] } | undefined }>(items: readonly T[]): T | undefined {
  return [...items].sort((a, b) => (msOf(b.closure?.createdAt) ?? 0) - (msOf(a.closure?.createdAt) ?? 0))[0];
}

/** A launch plan: `version`, or the newest. Throws naming the launch plan when there is none. */
export async function fetchLaunchPlan(project: string, domain: string, name: string, version?: string): Promise<LaunchPlan> {
  if (version !== undefined && version !== "") return admin.getLaunchPlan({ id: { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name, version } });
  const list = await admin.listLaunchPlans({ id: { project, domain, name }, limit: 1000 });
  const found = newest(list.launchPlans);
  if (found === undefined) throw new Error(`launch plan '${name}' is not registered in ${project}/${domain}; register it with 'flyte register'`);
  return found;
}

/** A workflow: `version`, or the newest. */
export async function fetchWorkflow(project: string, domain: string, name: string, version?: string): Promise<Workflow> {
  if (version !== undefined && version !== "") return admin.getWorkflow({ id: { resourceType: ResourceType.WORKFLOW, project, domain, name, version } });
  const list = await admin.listWorkflows({ id: { project, domain, name }, limit: 1000 });
  const latest = newest(list.workflows);
  if (latest === undefined) throw new Error(`workflow '${name}' is not registered in ${project}/${domain}`);
  // Lists may leave the compiled closure out: fetch the version itself.
  return latest.closure?.compiledWorkflow === undefined ? admin.getWorkflow({ id: latest.id }) : latest;
}

/** A task: `version`, or the newest. */
export async function fetchTask(project: string, domain: string, name: string): Promise<Task> {
  const list = await admin.listTasks({ id: { project, domain, name }, limit: 1000 });
  const latest = newest(list.tasks);
  if (latest === undefined) throw new Error(`task '${name}' is not registered in ${project}/${domain}`);
  return latest;
}

/** Workflows by identifier: a version never changes, so each is fetched once per page load. */
const workflowsById = new Map<string, Promise<Workflow>>();

/**
 * A workflow by its full identifier. The same request is shared by everyone asking, so the entry
 * can start it as soon as an execution's header names the workflow, before the page asks.
 * `sent`: the encoded answer of a GetWorkflow already sent for `id` (first-requests.ts), used
 * unless it failed.
 */
export function fetchWorkflowById(id: Identifier, sent?: Promise<Uint8Array | undefined>): Promise<Workflow> {
  const key = `${id.project}/${id.domain}/${id.name}@${id.version}`;
  let found = workflowsById.get(key);
  if (found === undefined) {
    const again = (): Promise<Workflow> => admin.getWorkflow({ id });
    found = sent === undefined ? again() : sent.then((bytes) => (bytes === undefined ? again() : fromBinary(WorkflowSchema, bytes)), again);
    workflowsById.set(key, found);
    // A failed fetch is not kept: the next ask tries again.
    found.catch(() => workflowsById.delete(key));
  }
  return found;
}
