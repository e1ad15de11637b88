/**
 * List queries of the registry: Flyte's filter language (`eq(name,wf)+gte(created_at,...)`),
 * sort keys and pages, turned into SQL over a fixed set of columns.
 *
 * Field names are looked up in a whitelist and values are always bound as parameters, so nothing
 * from a request is ever spliced into SQL text.
 */
import type { SQLInputValue } from "node:sqlite";

/** A SQL condition with its parameters. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly SQLInputValue[];
}

/** How a filterable field maps to SQL. */
export interface FieldSpec {
  /** The SQL expression (a column of the listed table). */
  readonly column: string;
  /** How values are parsed: text as is, integers, or timestamps (RFC 3339 or milliseconds). */
  readonly kind: "text" | "integer" | "timestamp";
}

/** A page of a list and its order. */
export interface ListQuery {
  readonly where: readonly SqlCondition[];
  /** A whitelisted column. */
  readonly orderBy: string;
  readonly ascending: boolean;
  readonly limit: number;
  readonly offset: number;
}

/** Thrown for a filter or sort key the registry cannot apply; the API turns it into INVALID_ARGUMENT. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryError";
  }
}

const OPERATORS: Readonly<Record<string, string>> = {
  eq: "=",
  ne: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

/**
 * Parses Flyte's filter expression: functions joined by `+`, e.g.
 * `eq(state,0)+contains(name,etl)+value_in(version,v1;v2)`.
 * Unknown functions or fields are errors that list what is supported.
 */
export function parseFilters(text: string, fields: Readonly<Record<string, FieldSpec>>): SqlCondition[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const conditions: SqlCondition[] = [];
  // Flyte separates expressions with '+'; values never contain '+' unencoded in practice.
  for (const part of trimmed.split("+")) {
    const m = /^\s*([a-z_]+)\s*\(\s*([A-Za-z_.]+)\s*,(.*)\)\s*$/s.exec(part);
    if (m === null) throw new QueryError(`cannot parse filter '${part}'; expected e.g. eq(name,my_wf)`);
    const [, fn = "", fieldName = "", rawValue = ""] = m;
    const field = fields[fieldName];
    if (field === undefined) {
      throw new QueryError(`cannot filter on '${fieldName}'; filterable fields are: ${Object.keys(fields).join(", ")}`);
    }
    const value = rawValue.trim();
    if (fn === "contains") {
      conditions.push({ sql: `instr(${field.column}, ?) > 0`, params: [value] });
    } else if (fn === "value_in" || fn === "value_not_in") {
      const values = value.split(";").map((v) => parseValue(v.trim(), field, fieldName));
      const marks = values.map(() => "?").join(", ");
      conditions.push({ sql: `${field.column} ${fn === "value_in" ? "IN" : "NOT IN"} (${marks})`, params: values });
    } else {
      const op = OPERATORS[fn];
      if (op === undefined) {
        throw new QueryError(`unknown filter function '${fn}'; use one of: ${[...Object.keys(OPERATORS), "contains", "value_in", "value_not_in"].join(", ")}`);
      }
      conditions.push({ sql: `${field.column} ${op} ?`, params: [parseValue(value, field, fieldName)] });
    }
  }
  return conditions;
}

function parseValue(value: string, field: FieldSpec, name: string): SQLInputValue {
  switch (field.kind) {
    case "text":
      return value;
    case "integer": {
      if (!/^-?\d+$/.test(value)) throw new QueryError(`filter value '${value}' for '${name}' is not an integer`);
      return Number(value);
    }
    case "timestamp": {
      if (/^\d+$/.test(value)) return Number(value);
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new QueryError(`filter value '${value}' for '${name}' is not a timestamp (use RFC 3339)`);
      return ms;
    }
  }
}

/** Resolves a sort key against `columns` (request key → SQL column). */
export function sortColumn(key: string, columns: Readonly<Record<string, string>>, fallback: string): string {
  if (key === "") return fallback;
  const column = columns[key];
  if (column === undefined) throw new QueryError(`cannot sort by '${key}'; sortable keys are: ${Object.keys(columns).join(", ")}`);
  return column;
}

/** `WHERE ...` for `conditions` (empty string for none) and its parameters. */
export function whereClause(conditions: readonly SqlCondition[]): { sql: string; params: SQLInputValue[] } {
  if (conditions.length === 0) return { sql: "", params: [] };
  return { sql: `WHERE ${conditions.map((c) => `(${c.sql})`).join(" AND ")}`, params: conditions.flatMap((c) => [...c.params]) };
}
