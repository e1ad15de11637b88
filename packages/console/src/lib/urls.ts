/**
 * The console's URLs, following flyteconsole's scheme so Flyte users' links carry over. Paths are
 * relative to the router's basename (/console).
 */

const e = encodeURIComponent;

/** The executions of a project in a domain. */
export function executionsUrl(project: string, domain: string, search = ""): string {
  return `/projects/${e(project)}/executions?domain=${e(domain)}${search === "" ? "" : `&${search}`}`;
}

/** One execution. */
export function executionUrl(project: string, domain: string, name: string): string {
  return `/projects/${e(project)}/domains/${e(domain)}/executions/${e(name)}`;
}

/** A registered entity list: workflows, tasks or launch plans. */
export function entitiesUrl(project: string, domain: string, kind: "workflows" | "tasks" | "launchPlans"): string {
  return `/projects/${e(project)}/${kind}?domain=${e(domain)}`;
}

/** One workflow (latest version unless `version`). */
export function workflowUrl(project: string, domain: string, name: string, version?: string): string {
  return `/projects/${e(project)}/domains/${e(domain)}/workflows/${e(name)}${version === undefined ? "" : `?version=${e(version)}`}`;
}

/** One task. */
export function taskUrl(project: string, domain: string, name: string): string {
  return `/projects/${e(project)}/domains/${e(domain)}/tasks/${e(name)}`;
}

/** One launch plan. */
export function launchPlanUrl(project: string, domain: string, name: string, version?: string): string {
  return `/projects/${e(project)}/domains/${e(domain)}/launch_plans/${e(name)}${version === undefined ? "" : `?version=${e(version)}`}`;
}

/** The launch form of a launch plan (or of a workflow's default launch plan, named as the workflow). */
export function launchUrl(project: string, domain: string, launchPlan: string, from?: string): string {
  return `/projects/${e(project)}/domains/${e(domain)}/launch?lp=${e(launchPlan)}${from === undefined ? "" : `&from=${e(from)}`}`;
}
