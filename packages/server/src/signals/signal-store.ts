/**
 * Signals of gate nodes, in SQLite (namespace "signals"): the engine's `SignalSource` (a waiting
 * gate creates its signal and wakes, in-process, when a value is set) and the storage behind
 * `SignalService`. A signal is set once; its value survives restarts, so a resumed gate whose
 * signal was set before the crash passes at once.
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { SignalRequest, SignalSource } from "@flyte/engine";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { LiteralTypeSchema, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import type { StatementSync } from "node:sqlite";
import type { Database } from "../db/database.ts";
import { groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate, type Migration } from "../db/migrations.ts";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "signals",
    sql: `
      CREATE TABLE signals (
        id INTEGER PRIMARY KEY,
        execution_id TEXT NOT NULL,
        signal_id TEXT NOT NULL,
        type BLOB NOT NULL,
        value BLOB,
        created_at INTEGER NOT NULL,
        set_at INTEGER,
        UNIQUE (execution_id, signal_id)
      );
    `,
  },
];

/** One stored signal. */
export interface StoredSignal {
  readonly executionId: string;
  readonly signalId: string;
  readonly type: LiteralType;
  readonly value?: Literal;
}

interface Row {
  execution_id: string;
  signal_id: string;
  type: Uint8Array;
  value: Uint8Array | null;
}

/** What {@link SignalStore.set} did. */
export type SetOutcome = "set" | "already-set";

/** Signals in SQLite, with in-process wake-ups of waiting gates. */
export class SignalStore implements SignalSource {
  readonly #committer: GroupCommitter;
  readonly #sql: Record<"create" | "get" | "set" | "list", StatementSync>;
  readonly #waiters = new Map<string, Set<(value: Literal) => void>>();
  readonly #now: () => number;

  constructor(db: Database, now: () => number = Date.now) {
    migrate(db, "signals", MIGRATIONS);
    this.#committer = groupCommitterFor(db);
    this.#now = now;
    const sqlite = db.sqlite;
    this.#sql = {
      create: sqlite.prepare(
        "INSERT INTO signals (execution_id, signal_id, type, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (execution_id, signal_id) DO NOTHING",
      ),
      get: sqlite.prepare("SELECT * FROM signals WHERE execution_id = ? AND signal_id = ?"),
      set: sqlite.prepare("UPDATE signals SET value = ?, set_at = ? WHERE execution_id = ? AND signal_id = ? AND value IS NULL"),
      list: sqlite.prepare("SELECT * FROM signals WHERE execution_id = ? ORDER BY id"),
    };
  }

  /** Creates the signal (with its type) unless it exists; resolves with it, durably. */
  getOrCreate(executionId: string, signalId: string, type: LiteralType): Promise<StoredSignal> {
    return this.#committer.submit(() => {
      this.#sql.create.run(executionId, signalId, toBinary(LiteralTypeSchema, type), this.#now());
      return signalOf(this.#sql.get.get(executionId, signalId) as unknown as Row);
    });
  }

  /** The signal, or undefined. */
  get(executionId: string, signalId: string): StoredSignal | undefined {
    const row = this.#sql.get.get(executionId, signalId) as Row | undefined;
    return row === undefined ? undefined : signalOf(row);
  }

  /** Signals of an execution, in creation order. */
  list(executionId: string): StoredSignal[] {
    return (this.#sql.list.all(executionId) as unknown as Row[]).map(signalOf);
  }

  /**
   * Sets the value (creating the signal with `type` if no gate asked for it yet) and wakes the
   * gates waiting for it; a signal keeps its first value.
   */
  async set(executionId: string, signalId: string, value: Literal, type: LiteralType): Promise<SetOutcome> {
    const outcome = await this.#committer.submit((): SetOutcome => {
      this.#sql.create.run(executionId, signalId, toBinary(LiteralTypeSchema, type), this.#now());
      return this.#sql.set.run(toBinary(LiteralSchema, value), this.#now(), executionId, signalId).changes > 0 ? "set" : "already-set";
    });
    if (outcome === "set") {
      const key = `${executionId}\0${signalId}`;
      const waiting = this.#waiters.get(key);
      this.#waiters.delete(key);
      for (const wake of waiting ?? []) wake(value);
    }
    return outcome;
  }

  async waitForSignal(request: SignalRequest): Promise<Literal> {
    const signal = await this.getOrCreate(request.executionId, request.signalId, request.type);
    if (signal.value !== undefined) return signal.value;
    const key = `${request.executionId}\0${request.signalId}`;
    const { promise, resolve, reject } = Promise.withResolvers<Literal>();
    const waiters = this.#waiters.get(key) ?? new Set();
    this.#waiters.set(key, waiters);
    waiters.add(resolve);
    const onAbort = (): void => {
      waiters.delete(resolve);
      reject(request.signal.reason instanceof Error ? request.signal.reason : new Error("the gate stopped waiting"));
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });
    // A value set between the read and the subscription must not be missed.
    const again = this.get(request.executionId, request.signalId);
    if (again?.value !== undefined) resolve(again.value);
    try {
      return await promise;
    } finally {
      waiters.delete(resolve);
      request.signal.removeEventListener("abort", onAbort);
    }
  }
}

function signalOf(row: Row): StoredSignal {
  const type = fromBinary(LiteralTypeSchema, row.type);
  return row.value === null
    ? { executionId: row.execution_id, signalId: row.signal_id, type }
    : { executionId: row.execution_id, signalId: row.signal_id, type, value: fromBinary(LiteralSchema, row.value) };
}
