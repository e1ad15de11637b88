/**
 * The project and domain a page is about: from the path (`/projects/P/domains/D/...`) or the
 * `domain` query parameter (`/projects/P/executions?domain=D`), as in flyteconsole's URLs.
 */
import { useLocation, useParams } from "react-router";

/** A project and domain. */
export interface Scope {
  readonly project: string;
  readonly domain: string;
}

/** The domain shown when a URL names none. */
export const DEFAULT_DOMAIN = "development";

/** The current page's scope, or undefined outside a project. */
export function useScope(): Scope | undefined {
  const location = useLocation();
  const params = useParams();
  const match = /^\/projects\/([^/]+)(?:\/domains\/([^/]+))?/.exec(location.pathname);
  const project = params["project"] ?? (match?.[1] === undefined ? undefined : decodeURIComponent(match[1]));
  if (project === undefined) return undefined;
  const fromPath = params["domain"] ?? (match?.[2] === undefined ? undefined : decodeURIComponent(match[2]));
  const fromQuery = new URLSearchParams(location.search).get("domain");
  return { project, domain: fromPath ?? fromQuery ?? DEFAULT_DOMAIN };
}
