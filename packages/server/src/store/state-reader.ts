/**
 * Reads of the "state" tables: rows to the engine's records, and the listings the API needs
 * (executions by project and domain, newest first, keyset-paginated; unfinished executions).
 */
import { create, fromBinary } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, type CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  ExecutionError,
  NodeExecutionPhase,
  TaskExecutionPhase,
  TaskFailure,
  WorkflowExecutionPhase,
} from "@flyte/engine";
import type { CacheStatus } from "@flyte/engine";
import type { ExecutionRecord } from "@flyte/engine/store";
import { newArrayItems, summarizeArrayItems, type ArrayItemsSummary } from "@flyte/engine/store";
import type { BlobStore } from "../blob/blob-store.ts";
import { defineLazy } from "./define-lazy.ts";
import { SUMMARY_COLUMNS, listingQuery } from "./execution-listing.ts";
import { decodeLiteralMap } from "./literal-codec.ts";
import type {
  ExecutionPage,
  ExecutionSummary,
  ListExecutionsQuery,
  StoredNodeExecution,
  StoredTaskExecution,
} from "./state-types.ts";

type Nullable<T> = { [K in keyof T]: T[K] | null };

interface SummaryRow {
  id: number;
  execution_id: string;
  project: string;
  domain: string;
  name: string;
  phase: string;
  error: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

type ExecutionRow = SummaryRow & Nullable<{ inputs: Uint8Array; inputs_uri: string; outputs: Uint8Array; outputs_uri: string }>;

interface NodeRow extends Nullable<{ inputs: Uint8Array; inputs_uri: string; outputs: Uint8Array; outputs_uri: string }> {
  node_id: string;
  phase: string;
  error: string | null;
  cache_status: string | null;
  attempts: number;
  array_item_count: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
}

interface TaskRow {
  attempt: number;
  task_name: string;
  phase: string;
  error: string | null;
  cache_status: string | null;
  started_at: number;
  ended_at: number | null;
  updated_at: number;
}

const NODE_COLUMNS =
  "node_id, phase, inputs, inputs_uri, outputs, outputs_uri, error, cache_status, attempts, array_item_count, created_at, started_at, ended_at, updated_at";

/** Listing statements kept prepared (see {@link StateReader.listExecutions}). */
const KEPT_LISTINGS = 32;

/** Prepared reads of one connection; literals offloaded to `blobs` are read back transparently. */
export class StateReader {
  readonly #sqlite: DatabaseSync;
  /** {@link StateReader.listExecutions}' statements, by SQL text (at most {@link KEPT_LISTINGS}). */
  readonly #listings = new Map<string, StatementSync>();
  readonly #blobs: BlobStore | undefined;
  readonly #sql: Record<"execution" | "closure" | "summary" | "children" | "node" | "nodes" | "nodeOutputs" | "tasks" | "unfinished" | "items", StatementSync>;
  /** The closure of an execution whose spec row keeps it, prepared on first use (see #closure). */
  #specClosure: StatementSync | undefined;

  constructor(sqlite: DatabaseSync, blobs: BlobStore | undefined) {
    this.#sqlite = sqlite;
    this.#blobs = blobs;
    this.#sql = {
      execution: sqlite.prepare(
        `SELECT ${SUMMARY_COLUMNS}, inputs, inputs_uri, outputs, outputs_uri FROM executions WHERE execution_id = ?`,
      ),
      // Apart: a closure is megabytes for 5,000 nodes, and pollers of an execution never read it.
      closure: sqlite.prepare("SELECT closure FROM executions WHERE execution_id = ?"),
      summary: sqlite.prepare(`SELECT ${SUMMARY_COLUMNS} FROM executions WHERE execution_id = ?`),
      // Child executions are named `<parent>-<node>`: a range of the unique index ('.' follows '-').
      children: sqlite.prepare("SELECT execution_id FROM executions WHERE execution_id >= ? || '-' AND execution_id < ? || '.'"),
      node: sqlite.prepare(`SELECT ${NODE_COLUMNS} FROM node_executions WHERE execution_id = ? AND node_id = ?`),
      nodes: sqlite.prepare(`SELECT ${NODE_COLUMNS} FROM node_executions WHERE execution_id = ? ORDER BY id`),
      nodeOutputs: sqlite.prepare(
        "SELECT outputs, outputs_uri FROM node_executions WHERE execution_id = ? AND node_id = ? AND phase = 'SUCCEEDED'",
      ),
      tasks: sqlite.prepare(
        `SELECT attempt, task_name, phase, error, cache_status, started_at, ended_at, updated_at
         FROM task_executions WHERE execution_id = ? AND node_id = ? ORDER BY attempt`,
      ),
      items: sqlite.prepare("SELECT item, phase, attempts FROM array_items WHERE execution_id = ? AND node_id = ?"),
      unfinished: sqlite.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM executions WHERE ended_at IS NULL ORDER BY created_at, id`,
      ),
    };
  }

  async execution(executionId: string): Promise<ExecutionRecord | undefined> {
    const row = this.#sql.execution.get(executionId) as ExecutionRow | undefined;
    if (row === undefined) return undefined;
    const what = `execution "${executionId}"`;
    // The closure is read from its column and decoded only when the field is read (GetExecutionData
    // and the console never do), and inline literals are decoded only then too: a client polling GetExecution (which shows neither) decoded the inputs on
    // every poll — a 1,000-item map's list, a sixth of the server's CPU in a fan-out run
    // (docs/benchmarks.md). Offloaded ones are read now (async).
    const [inputs, outputs] = await Promise.all([
      this.#lazyLiteral(row.inputs, row.inputs_uri, `inputs of ${what}`),
      this.#lazyLiteral(row.outputs, row.outputs_uri, `outputs of ${what}`),
    ]);
    const base: { -readonly [K in keyof Omit<ExecutionRecord, "closure" | "inputs">]: ExecutionRecord[K] } = {
      executionId,
      phase: row.phase as WorkflowExecutionPhase,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    const record = defineLazy(
      defineLazy(base, "closure", () => this.#closure(executionId)),
      "inputs",
      // Every execution is created with inputs (createExecution writes one of the two columns).
      inputs ?? (() => create(LiteralMapSchema)),
    );
    if (outputs !== undefined) defineLazy(record, "outputs", outputs);
    if (row.error !== null) record.error = JSON.parse(row.error) as ExecutionError;
    if (row.started_at !== null) record.startedAt = row.started_at;
    if (row.ended_at !== null) record.endedAt = row.ended_at;
    return record;
  }

  /** The stored closure of an execution (it never changes once created), read and decoded. */
  #closure(executionId: string): CompiledWorkflowClosure {
    const row = this.#sql.closure.get(executionId) as { closure: Uint8Array } | undefined;
    if (row === undefined) throw new Error(`The closure of execution "${executionId}" cannot be read: the execution is not in the store.`);
    if (row.closure.length > 0) return fromBinary(CompiledWorkflowClosureSchema, row.closure);
    // Kept alongside, in the server's spec row (CreateExecutionOptions.closureAlongside): that
    // table exists wherever such a row was written, so the statement is prepared only then.
    this.#specClosure ??= this.#sqlite.prepare("SELECT closure FROM execution_specs WHERE execution_id = ?");
    const spec = this.#specClosure.get(executionId) as { closure: Uint8Array } | undefined;
    if (spec === undefined) throw new Error(`The closure of execution "${executionId}" cannot be read: it was kept with its spec, and the spec is not in the database.`);
    return fromBinary(CompiledWorkflowClosureSchema, spec.closure);
  }

  /** The execution's phase and times, without decoding its workflow closure or literals. */
  summary(executionId: string): ExecutionSummary | undefined {
    const row = this.#sql.summary.get(executionId) as SummaryRow | undefined;
    return row === undefined ? undefined : summary(row);
  }

  /** Ids of the executions named `<executionId>-...` (its sub-workflow and launch plan children, and theirs). */
  childIds(executionId: string): Set<string> {
    const rows = this.#sql.children.all(executionId, executionId) as unknown as { execution_id: string }[];
    return new Set(rows.map((r) => r.execution_id));
  }

  async node(executionId: string, nodeId: string): Promise<StoredNodeExecution | undefined> {
    const row = this.#sql.node.get(executionId, nodeId) as NodeRow | undefined;
    return row === undefined ? undefined : this.#nodeRecord(executionId, row);
  }

  async nodes(executionId: string): Promise<StoredNodeExecution[]> {
    const rows = this.#sql.nodes.all(executionId) as unknown as NodeRow[];
    return Promise.all(rows.map((row) => this.#nodeRecord(executionId, row)));
  }

  async nodeOutputs(executionId: string, nodeId: string): Promise<LiteralMap | undefined> {
    const row = this.#sql.nodeOutputs.get(executionId, nodeId) as Nullable<{ outputs: Uint8Array; outputs_uri: string }> | undefined;
    if (row === undefined) return undefined;
    return this.#literal(row.outputs, row.outputs_uri, `outputs of node "${nodeId}" of execution "${executionId}"`);
  }

  tasks(executionId: string, nodeId: string): StoredTaskExecution[] {
    const rows = this.#sql.tasks.all(executionId, nodeId) as unknown as TaskRow[];
    return rows.map((row) => {
      const record: { -readonly [K in keyof StoredTaskExecution]: StoredTaskExecution[K] } = {
        executionId,
        nodeId,
        taskName: row.task_name,
        attempt: row.attempt,
        phase: row.phase as TaskExecutionPhase,
        startedAt: row.started_at,
        updatedAt: row.updated_at,
      };
      if (row.error !== null) record.error = JSON.parse(row.error) as TaskFailure;
      if (row.ended_at !== null) record.endedAt = row.ended_at;
      if (row.cache_status !== null) record.cacheStatus = row.cache_status as CacheStatus;
      return record;
    });
  }

  /** One page of a project and domain's executions, newest first. */
  listExecutions(query: ListExecutionsQuery): ExecutionPage {
    const { sql, params, limit } = listingQuery(query);
    // Prepared once per shape (number of phases, with or without a token): clients poll this
    // listing ("none running yet?"), and preparing it cost more than running it (docs/benchmarks.md,
    // seventh round). The shapes are few (one per phase count, with and without a token); a
    // client sending ever longer phase lists still gets answers, only no more kept statements.
    let statement = this.#listings.get(sql);
    if (statement === undefined) {
      statement = this.#sqlite.prepare(sql);
      if (this.#listings.size < KEPT_LISTINGS) this.#listings.set(sql, statement);
    }
    const rows = statement.all(...params) as unknown as SummaryRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const result: { executions: ExecutionSummary[]; nextPageToken?: string } = { executions: page.map(summary) };
    if (rows.length > limit && last !== undefined) result.nextPageToken = `${last.created_at}.${last.id}`;
    return result;
  }

  /** Executions not in a terminal phase, oldest first. */
  unfinished(): ExecutionSummary[] {
    return (this.#sql.unfinished.all() as unknown as SummaryRow[]).map(summary);
  }

  async #nodeRecord(executionId: string, row: NodeRow): Promise<StoredNodeExecution> {
    const what = `node "${row.node_id}" of execution "${executionId}"`;
    const [inputs, outputs] = await Promise.all([
      this.#literal(row.inputs, row.inputs_uri, `inputs of ${what}`),
      this.#literal(row.outputs, row.outputs_uri, `outputs of ${what}`),
    ]);
    const record: { -readonly [K in keyof StoredNodeExecution]: StoredNodeExecution[K] } = {
      executionId,
      nodeId: row.node_id,
      phase: row.phase as NodeExecutionPhase,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      attempts: row.attempts,
    };
    if (inputs !== undefined) record.inputs = inputs;
    if (outputs !== undefined) record.outputs = outputs;
    if (row.error !== null) record.error = JSON.parse(row.error) as ExecutionError;
    if (row.cache_status !== null) record.cacheStatus = row.cache_status as CacheStatus;
    if (row.started_at !== null) record.startedAt = row.started_at;
    if (row.ended_at !== null) record.endedAt = row.ended_at;
    if (row.array_item_count !== null) record.arrayItems = this.#items(executionId, row.node_id, row.array_item_count);
    return record;
  }

  /** The summary of an array node's items, from their rows (items without one have not started). */
  #items(executionId: string, nodeId: string, count: number): ArrayItemsSummary {
    const items = newArrayItems(count);
    for (const row of this.#sql.items.iterate(executionId, nodeId) as Iterable<{ item: number; phase: number; attempts: number }>) {
      items.phases[row.item] = row.phase;
      items.attempts[row.item] = row.attempts;
    }
    return summarizeArrayItems(items);
  }

  /**
   * The decoder of a column pair's literal map: decoding on call when inline, already read and
   * decoded when offloaded; undefined when neither column is set.
   */
  async #lazyLiteral(bytes: Uint8Array | null, uri: string | null, what: string): Promise<(() => LiteralMap) | undefined> {
    if (bytes !== null) return () => fromBinary(LiteralMapSchema, bytes);
    const literal = await this.#literal(bytes, uri, what);
    return literal === undefined ? undefined : () => literal;
  }

  #literal(bytes: Uint8Array | null, uri: string | null, what: string): Promise<LiteralMap | undefined> {
    return decodeLiteralMap(bytes, uri, this.#blobs, what);
  }
}

function summary(row: SummaryRow): ExecutionSummary {
  const result: { -readonly [K in keyof ExecutionSummary]: ExecutionSummary[K] } = {
    executionId: row.execution_id,
    project: row.project,
    domain: row.domain,
    name: row.name,
    phase: row.phase as WorkflowExecutionPhase,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.error !== null) result.error = JSON.parse(row.error) as ExecutionError;
  if (row.started_at !== null) result.startedAt = row.started_at;
  if (row.ended_at !== null) result.endedAt = row.ended_at;
  return result;
}
