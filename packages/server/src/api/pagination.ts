/**
 * Pages of list calls as FlyteAdmin serves them: the token is the offset of the next page as a
 * decimal string ("" for the first page), and a next token is returned only when the page is full.
 */
import { Sort_Direction, type Sort } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { invalidArgument } from "./errors.ts";
import { QueryError, parseFilters, sortColumn, type FieldSpec, type ListQuery, type SqlCondition } from "../registry/query.ts";

/** Page size when a request leaves `limit` at 0. */
export const DEFAULT_LIMIT = 100;

/** The largest page served; larger limits are capped. */
export const MAX_LIMIT = 10_000;

/** What a list request says about its page. */
export interface PageRequest {
  readonly limit: number;
  readonly token: string;
  readonly filters?: string;
  readonly sortBy?: Sort | undefined;
}

/** How one list call may filter and sort. */
export interface ListSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Sort key → column. */
  readonly sortable: Readonly<Record<string, string>>;
  /** Column used when the request gives no sort key. */
  readonly defaultSort: string;
  /** Direction used when the request gives no sort key. @default descending */
  readonly defaultAscending?: boolean;
}

/** Turns a request's limit, token, filters and sort into a registry query, or INVALID_ARGUMENT. */
export function listQueryOf(req: PageRequest, spec: ListSpec, extra: readonly SqlCondition[] = []): ListQuery {
  if (req.limit < 0) throw invalidArgument(`limit must not be negative (got ${req.limit})`);
  if (req.token !== "" && !/^\d{1,15}$/.test(req.token)) {
    throw invalidArgument(`invalid pagination token '${req.token}': pass the token of the previous page, or "" for the first`);
  }
  const limit = req.limit === 0 ? DEFAULT_LIMIT : Math.min(req.limit, MAX_LIMIT);
  const offset = req.token === "" ? 0 : Number(req.token);
  try {
    const where = [...extra, ...parseFilters(req.filters ?? "", spec.fields)];
    const key = req.sortBy?.key ?? "";
    const orderBy = sortColumn(key, spec.sortable, spec.defaultSort);
    const ascending = key === "" ? (spec.defaultAscending ?? false) : req.sortBy?.direction === Sort_Direction.ASCENDING;
    return { where, orderBy, ascending, limit, offset };
  } catch (err) {
    if (err instanceof QueryError) throw invalidArgument(err.message);
    throw err;
  }
}

/** The token of the page after one that returned `count` rows for `query`. */
export function nextToken(query: ListQuery, count: number): string {
  return count === query.limit ? String(query.offset + count) : "";
}
