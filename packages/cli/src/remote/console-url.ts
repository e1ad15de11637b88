/**
 * The console page of an execution, in flyteconsole's URL scheme (the console is served by
 * `flyte start` on the API's port): `<endpoint>/console/projects/P/domains/D/executions/NAME`.
 */

/** The console URL of execution `name` on `endpoint` (an http(s) URL), or undefined for other endpoints. */
export function executionConsoleUrl(endpoint: string, project: string, domain: string, name: string): string | undefined {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") return undefined;
  const path = ["console", "projects", project, "domains", domain, "executions", name].map(encodeURIComponent).join("/");
  return `${base.origin}${base.pathname.replace(/\/+$/, "")}/${path}`;
}
