/**
 * The SQL of a page of a project and domain's executions (StateReader.listExecutions), newest
 * first, keyset-paged by (created_at, id).
 *
 * Clients poll a listing by phase to learn whether anything is still running (the throughput
 * harness waits for "none running"). Through `executions_by_scope` that walks every execution of
 * the project once none matches, so its cost grew with history. A filter of unfinished phases
 * only also says `ended_at IS NULL` (an execution's `ended_at` is set exactly when it reaches a
 * terminal phase), which lets SQLite walk the partial index `executions_unfinished_by_scope`
 * (state-schema.ts, migration 3): the unfinished executions of the project, however many ended.
 */
import type { ListExecutionsQuery } from "./state-types.ts";
import { TERMINAL_WORKFLOW } from "./state-drafts.ts";

/** Rows of the page's SELECT. */
export const SUMMARY_COLUMNS = "id, execution_id, project, domain, name, phase, error, created_at, started_at, ended_at, updated_at";

/** The largest page served. */
export const MAX_PAGE = 1000;

/** A listing's statement and its parameters; it selects up to `limit + 1` rows (one more tells of a next page). */
export interface ListingQuery {
  readonly sql: string;
  readonly params: readonly (string | number)[];
  readonly limit: number;
}

/** The statement of `query`'s page. Its text depends only on the query's shape (phase count, token, unfinished only). */
export function listingQuery(query: ListExecutionsQuery): ListingQuery {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit ?? 100)));
  const where = ["project = ?", "domain = ?"];
  const params: (string | number)[] = [query.project, query.domain];
  if (query.phases !== undefined && query.phases.length > 0) {
    where.push(`phase IN (${query.phases.map(() => "?").join(", ")})`);
    params.push(...query.phases);
    if (!query.phases.some((p) => TERMINAL_WORKFLOW.has(p))) where.push("ended_at IS NULL");
  }
  if (query.pageToken !== undefined && query.pageToken !== "") {
    const [createdAt, id] = parsePageToken(query.pageToken);
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    params.push(createdAt, createdAt, id);
  }
  params.push(limit + 1);
  return { sql: `SELECT ${SUMMARY_COLUMNS} FROM executions WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`, params, limit };
}

function parsePageToken(token: string): [number, number] {
  const match = /^(-?\d+)\.(\d+)$/.exec(token);
  if (match === null) {
    throw new RangeError(`Invalid page token ${JSON.stringify(token)}: pass the nextPageToken of the previous page unchanged.`);
  }
  return [Number(match[1]), Number(match[2])];
}
