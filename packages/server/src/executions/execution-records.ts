/**
 * The `execution_specs` table (execution-schema.ts): written once per execution the server
 * starts, in the same group-committed transaction as the engine's row of it, so CreateExecution
 * answers only once both are durable. The engine's own record (phase, outputs, nodes) lives in the state store.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ExecutionSpecSchema, type ExecutionSpec } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { CompiledWorkflowClosureSchema, type CompiledWorkflowClosure } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { StatementSync } from "node:sqlite";
import type { Database } from "../db/database.ts";
import { groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate } from "../db/migrations.ts";
import { DecodedCache } from "../api/decoded-cache.ts";
import { deepFreeze } from "../api/deep-freeze.ts";
import { workflowIdOfClosure } from "../store/closure-bytes.ts";
import { defineLazy } from "../store/define-lazy.ts";
import { executionMigrations } from "./execution-schema.ts";

/** One execution the server started. */
export interface ExecutionSpecRecord {
  /** The engine's id, `project:domain:name`. */
  readonly executionId: string;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  /** The request's spec (launch plan id, metadata, settings) without inputs. */
  readonly spec: ExecutionSpec;
  readonly closure: CompiledWorkflowClosure;
  /** Defaults, given and fixed inputs merged: what the workflow runs with. */
  readonly inputs: LiteralMap;
  /** What the caller passed (relaunch passes them again). */
  readonly userInputs: LiteralMap;
  /** The execution whose succeeded nodes this one reuses (RecoverExecution). */
  readonly recoverFrom?: string;
  readonly abortCause?: string;
  readonly createdAt: number;
}

/** An execution's spec as listing and showing it needs it. */
export interface ExecutionSpecView {
  readonly spec: ExecutionSpec;
  readonly abortCause?: string;
  /** The primary workflow's id. */
  readonly workflowId?: Identifier;
}

interface Row {
  execution_id: string;
  project: string;
  domain: string;
  name: string;
  spec: Uint8Array;
  closure: Uint8Array;
  inputs: Uint8Array;
  user_inputs: Uint8Array;
  recover_from: string | null;
  abort_cause: string | null;
  created_at: number;
}

/** Thrown by {@link ExecutionSpecs.insert} when the id is taken. */
export class DuplicateExecutionError extends Error {}

/** How many executions' views {@link ExecutionSpecs.view} keeps decoded (the most recently read). */
export const KEPT_VIEWS = 4096;

/** Reads and writes of `execution_specs`. */
export class ExecutionSpecs {
  readonly #committer: GroupCommitter;
  readonly #sql: Record<"insert" | "get" | "view" | "closure" | "unfinished" | "abort", StatementSync>;
  /**
   * Views read so far, frozen, by execution id, least recently read first out; each counts as one
   * (the bound is {@link KEPT_VIEWS} views). A spec never changes once written and the abort cause
   * only through {@link setAbortCause}, which forgets its entry when it commits, so a kept view is
   * the row's.
   */
  readonly #views = new DecodedCache<ExecutionSpecView>(KEPT_VIEWS);

  /** Needs the state store's migrations applied first (restart recovery joins its `executions`). */
  constructor(db: Database) {
    migrate(db, "executions", executionMigrations);
    this.#committer = groupCommitterFor(db);
    const sqlite = db.sqlite;
    this.#sql = {
      insert: sqlite.prepare(
        `INSERT INTO execution_specs (execution_id, project, domain, name, spec, closure, inputs, user_inputs, recover_from, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING`,
      ),
      get: sqlite.prepare("SELECT * FROM execution_specs WHERE execution_id = ?"),
      view: sqlite.prepare("SELECT spec, closure, abort_cause FROM execution_specs WHERE execution_id = ?"),
      closure: sqlite.prepare("SELECT closure FROM execution_specs WHERE execution_id = ?"),
      unfinished: sqlite.prepare(
        `SELECT s.* FROM execution_specs s LEFT JOIN executions e ON e.execution_id = s.execution_id
         WHERE e.ended_at IS NULL ORDER BY s.id`,
      ),
      abort: sqlite.prepare("UPDATE execution_specs SET abort_cause = ? WHERE execution_id = ?"),
    };
  }

  /**
   * Inserts the row inside the caller's transaction — an operation of the group committer, such
   * as the state store's `createExecution` (`alongside`), so that the execution's two rows share
   * one commit and one fsync; durable once that operation's promise resolves. Throws
   * {@link DuplicateExecutionError} when the id is taken (the caller's operation then rolls back).
   *
   * @param encoded the closure and the merged inputs already encoded for the engine's row
   */
  insertWithin(record: ExecutionSpecRecord, encoded: { readonly closure: Uint8Array; readonly inputs: Uint8Array }): void {
    const inserted = this.#sql.insert.run(
      record.executionId,
      record.project,
      record.domain,
      record.name,
      toBinary(ExecutionSpecSchema, create(ExecutionSpecSchema, { ...record.spec, inputs: undefined })),
      encoded.closure,
      encoded.inputs,
      // Usually a different map object with the same literals; encoded once either way.
      record.userInputs === record.inputs ? encoded.inputs : toBinary(LiteralMapSchema, record.userInputs),
      record.recoverFrom ?? null,
      record.createdAt,
    ).changes > 0;
    if (!inserted) throw new DuplicateExecutionError(record.executionId);
  }

  /** The record, or undefined (child executions of launch-plan nodes have none). */
  get(executionId: string): ExecutionSpecRecord | undefined {
    // Inserts are awaited before anyone learns the id, so a plain read sees them.
    const row = this.#sql.get.get(executionId) as Row | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  /**
   * What listing and showing an execution needs of its record — the spec, the abort cause and
   * the workflow's id — without decoding its closure or inputs; undefined when there is none.
   */
  view(executionId: string): ExecutionSpecView | undefined {
    // Kept: clients poll GetExecution, and each call read the row (its closure too) and decoded
    // the spec again (docs/benchmarks.md, seventh round). Missing ids are not kept.
    const kept = this.#views.find(executionId);
    if (kept !== undefined) return kept;
    const row = this.#sql.view.get(executionId) as Pick<Row, "spec" | "closure" | "abort_cause"> | undefined;
    if (row === undefined) return undefined;
    const workflowId = workflowIdOfClosure(row.closure);
    // Frozen: every later call shares it (a caller that wrote to it would fail loudly).
    const view: ExecutionSpecView = deepFreeze({
      spec: fromBinary(ExecutionSpecSchema, row.spec),
      ...(row.abort_cause === null ? {} : { abortCause: row.abort_cause }),
      ...(workflowId === undefined ? {} : { workflowId }),
    });
    return this.#views.keep(executionId, view, 1);
  }

  /** The execution's compiled closure as stored (encoded), or undefined when it has no record. */
  closureBytes(executionId: string): Uint8Array | undefined {
    return (this.#sql.closure.get(executionId) as { closure: Uint8Array } | undefined)?.closure;
  }

  /** Executions started here whose engine record has not ended (or does not exist yet), oldest first. */
  unfinished(): ExecutionSpecRecord[] {
    return (this.#sql.unfinished.all() as unknown as Row[]).map(recordOf);
  }

  /** Records why an execution was terminated (durable when resolved). */
  setAbortCause(executionId: string, cause: string): Promise<void> {
    return this.#committer.submit(() => {
      this.#sql.abort.run(cause, executionId);
      // At the commit: a view read before it (the old cause) is not kept past it.
      this.#committer.afterCommit(() => this.#views.forget(executionId));
    });
  }
}

/**
 * The record of a row, its messages decoded on first read: `GetExecution` (polled by clients,
 * every millisecond by some) reads only the spec and the workflow's id, while the inputs of a
 * map over 1,000 items are two lists of 1,000 literals.
 */
function recordOf(row: Row): ExecutionSpecRecord {
  const fields = {
    executionId: row.execution_id,
    project: row.project,
    domain: row.domain,
    name: row.name,
    createdAt: row.created_at,
    ...(row.recover_from !== null ? { recoverFrom: row.recover_from } : {}),
    ...(row.abort_cause !== null ? { abortCause: row.abort_cause } : {}),
  };
  const withSpec = defineLazy(fields, "spec", () => fromBinary(ExecutionSpecSchema, row.spec));
  const withClosure = defineLazy(withSpec, "closure", () => fromBinary(CompiledWorkflowClosureSchema, row.closure));
  const withInputs = defineLazy(withClosure, "inputs", () => fromBinary(LiteralMapSchema, row.inputs));
  return defineLazy(withInputs, "userInputs", () => fromBinary(LiteralMapSchema, row.user_inputs));
}
