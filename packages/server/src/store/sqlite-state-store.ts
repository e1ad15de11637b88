import { toBinary } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ExecutionEvent } from "@flyte/engine";
import type { ExecutionRecord, NewExecution, StateStore } from "@flyte/engine/store";
import type { ExecutionIdentity } from "../blob/blob-layout.ts";
import type { BlobStore } from "../blob/blob-store.ts";
import { openDatabase, type Database, type DatabaseOptions } from "../db/database.ts";
import { groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate } from "../db/migrations.ts";
import { parseExecutionKey } from "./execution-key.ts";
import { encodeLiteralMap, type EncodedLiteral } from "./literal-codec.ts";
import { stateMigrations } from "./state-schema.ts";
import { StateReader } from "./state-reader.ts";
import type {
  ExecutionPage,
  ExecutionSummary,
  ListExecutionsQuery,
  StoredNodeExecution,
  StoredTaskExecution,
} from "./state-types.ts";
import { StateWriter, type OffloadHook, type PreparedEvent } from "./state-writer.ts";

/** Options of {@link SqliteStateStore}. */
export interface SqliteStateStoreOptions {
  /**
   * Where literal maps larger than `inlineLimit` go (Flyte's layout). Without one, every literal
   * is stored inline.
   * @default none
   */
  readonly blobs?: BlobStore;
  /** Largest serialized literal map kept inline in its row, in bytes. @default 65536 */
  readonly inlineLimit?: number;
  /**
   * The (project, domain, name) of an execution id, for listing and blob paths.
   * @default parseExecutionKey (ids made by `executionKey`; any other id has project and domain "")
   */
  readonly identify?: (executionId: string) => ExecutionIdentity;
}

/** The closure column of an execution whose closure is kept alongside (`closureAlongside`). */
const NO_CLOSURE = new Uint8Array(0);

/** The second argument of {@link SqliteStateStore.createExecution}: a server's own rows with it. */
export interface CreateExecutionOptions {
  /** The closure as encoded already (a registered workflow's bytes), so it is not encoded again. */
  readonly closureBytes?: Uint8Array;
  /**
   * Writes the caller's own rows in the same transaction, after the execution's row, given the
   * encoded closure and inputs: whatever it throws rolls both back and rejects the call. It may
   * run twice (the first time in a rolled-back dry run, when the inputs are offloaded).
   */
  readonly alongside?: (encoded: { readonly closure: Uint8Array; readonly inputs: Uint8Array }) => void;
  /**
   * `alongside` writes the closure into the server's `execution_specs` row of the execution, so
   * the execution's own row holds none, and reading the closure takes it from there. The
   * execution's row is rewritten at each phase change, and a closure in it made each of those
   * pages 1.2 KB fuller for a 3-task workflow (docs/benchmarks.md, eighth round).
   * @default false
   */
  readonly closureAlongside?: boolean;
}

/**
 * The engine's {@link StateStore} on the embedded SQLite database, with group commit: writes made
 * in the same turn of the event loop (by any number of executions, and by other stores on the same
 * database) share one fsync'd transaction, and a write's promise resolves only once committed.
 *
 * Ordering: calls take effect in the order they are made. Reads wait for this store's pending
 * writes, so a read sees every write made before it. One store instance per database.
 *
 * @example
 * const store = SqliteStateStore.open("/var/lib/flyte/flyte.db", { blobs: new LocalBlobStore("/var/lib/flyte/blobs") });
 * const engine = new Engine({ runner, store });
 */
export class SqliteStateStore implements StateStore {
  /** The database this store writes to. */
  readonly db: Database;
  readonly #ownsDb: boolean;
  readonly #committer: GroupCommitter;
  readonly #writer: StateWriter;
  readonly #reader: StateReader;
  readonly #blobs: BlobStore | undefined;
  readonly #inlineLimit: number;
  readonly #identify: (executionId: string) => ExecutionIdentity;
  /** Writes not yet settled; reads wait for them. */
  #outstanding = 0;
  /**
   * The latest write: it settles after its fsync, so after every earlier write's. A read waits for
   * it, not only for its COMMIT: a committed write is visible before it is durable.
   */
  #lastWrite: Promise<void> = Promise.resolve();
  /** Writes that must not be submitted before earlier slow-path writes (with offloads) are. */
  #gated = 0;
  #gate: Promise<void> = Promise.resolve();

  /** Opens (creating if needed) a database file, or `":memory:"`, owned by the store. */
  static open(path: string, options: SqliteStateStoreOptions & DatabaseOptions = {}): SqliteStateStore {
    return new SqliteStateStore(openDatabase(path, options), options, true);
  }

  /**
   * Uses an open database (shared with the queue and the registry); applies the "state" migrations.
   * One store per database: its writer keeps the rows it wrote (state-row-cache.ts).
   */
  constructor(db: Database, options: SqliteStateStoreOptions = {}, ownsDb = false) {
    migrate(db, "state", stateMigrations);
    this.db = db;
    this.#ownsDb = ownsDb;
    this.#committer = groupCommitterFor(db);
    this.#writer = new StateWriter(db.sqlite, this.#committer);
    this.#reader = new StateReader(db.sqlite, options.blobs);
    this.#blobs = options.blobs;
    this.#inlineLimit = options.inlineLimit ?? 65_536;
    this.#identify = options.identify ?? parseExecutionKey;
  }

  /** The group committer this store writes through (shared by every store on its database). */
  get committer(): GroupCommitter {
    return this.#committer;
  }

  /**
   * Creates an execution (refused with `E_EXECUTION_EXISTS` when its id is taken); with
   * `options.alongside`, a server's own rows of it commit in the same transaction, so creating an
   * execution takes one durable commit (pass `created` to the engine's `execute` then).
   */
  createExecution(execution: NewExecution, options: CreateExecutionOptions = {}): Promise<void> {
    const identity = this.#identify(execution.executionId);
    const closure = options.closureBytes ?? toBinary(CompiledWorkflowClosureSchema, execution.closure);
    const inputs = encodeLiteralMap(execution.inputs);
    const alongside = options.alongside;
    const apply = (hook?: OffloadHook): void => {
      this.#writer.createExecution(execution, identity, alongside !== undefined && options.closureAlongside === true ? NO_CLOSURE : closure, inputs, hook);
      alongside?.({ closure, inputs: inputs.bytes });
    };
    return this.#write([inputs], apply);
  }

  record(events: readonly ExecutionEvent[]): Promise<void> {
    const prepared: PreparedEvent[] = [];
    const literals: EncodedLiteral[] = [];
    for (const event of events) {
      if (event.kind === "task") {
        prepared.push({ event });
        continue;
      }
      const p: { event: ExecutionEvent; inputs?: EncodedLiteral; outputs?: EncodedLiteral } = { event };
      if (event.kind === "node" && event.inputs !== undefined) literals.push((p.inputs = encodeLiteralMap(event.inputs)));
      if (event.outputs !== undefined) literals.push((p.outputs = encodeLiteralMap(event.outputs)));
      prepared.push(p);
    }
    return this.#write(literals, (hook) => this.#writer.apply(prepared, hook));
  }

  async getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    await this.#settled();
    return this.#reader.execution(executionId);
  }

  /** The execution's phase and times, cheaply (no closure or literals decoded): for watchers. */
  async getExecutionSummary(executionId: string): Promise<ExecutionSummary | undefined> {
    await this.#settled();
    return this.#reader.summary(executionId);
  }

  /** Ids of the child executions of `executionId` (named `<executionId>-<node>...`). */
  async listChildExecutionIds(executionId: string): Promise<ReadonlySet<string>> {
    await this.#settled();
    return this.#reader.childIds(executionId);
  }

  async getNodeExecution(executionId: string, nodeId: string): Promise<StoredNodeExecution | undefined> {
    await this.#settled();
    return this.#reader.node(executionId, nodeId);
  }

  /** Every node execution of the execution (nested ones too, by qualified id), first recorded first. */
  async listNodeExecutions(executionId: string): Promise<readonly StoredNodeExecution[]> {
    await this.#settled();
    return this.#reader.nodes(executionId);
  }

  /** Attempts of one node by attempt number, with their catalog status when recorded. */
  async listTaskExecutions(executionId: string, nodeId: string): Promise<readonly StoredTaskExecution[]> {
    await this.#settled();
    return this.#reader.tasks(executionId, nodeId);
  }

  async getNodeOutputs(executionId: string, nodeId: string): Promise<LiteralMap | undefined> {
    await this.#settled();
    return this.#reader.nodeOutputs(executionId, nodeId);
  }

  /** Executions of a project and domain, newest first, optionally only in some phases. */
  async listExecutions(query: ListExecutionsQuery): Promise<ExecutionPage> {
    await this.#settled();
    return this.#reader.listExecutions(query);
  }

  /** Executions not in a terminal phase, oldest first: what a restarted server must resume. */
  async listUnfinishedExecutions(): Promise<readonly ExecutionSummary[]> {
    await this.#settled();
    return this.#reader.unfinished();
  }

  /** Resolves when every write made so far is committed. */
  async flush(): Promise<void> {
    await this.#gate;
    await this.#committer.flush();
  }

  /** Commits pending writes; closes the database if the store opened it. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#ownsDb) {
      await this.#committer.close();
      this.db.close();
    }
  }

  /**
   * Submits one write in call order. The fast path (every literal small, nothing gated) submits at
   * once. A write with a literal to offload takes the slow path, in turn behind earlier slow
   * writes: wait for everything earlier to commit, dry-run the write in a rolled-back
   * transaction (refusals surface here, before any blob is written, and the dry run picks each
   * offloaded literal's path), write the blobs durably, then submit the write itself.
   */
  #write(literals: readonly EncodedLiteral[], apply: (hook?: OffloadHook) => void): Promise<void> {
    const offloads = this.#blobs !== undefined && literals.some((literal) => literal.bytes.length > this.#inlineLimit);
    this.#outstanding++;
    let written: Promise<void>;
    if (!offloads && this.#gated === 0) {
      written = this.#committer.submit(() => apply());
    } else {
      this.#gated++;
      written = this.#gate.then(async () => {
        if (offloads) {
          await this.#committer.flush();
          await this.#offload(apply);
        }
        return this.#committer.submit(() => apply());
      });
      this.#gate = written.then(
        () => void this.#gated--,
        () => void this.#gated--,
      );
    }
    const settled = written.finally(() => void this.#outstanding--);
    this.#lastWrite = settled.catch(() => undefined);
    return settled;
  }

  async #offload(apply: (hook?: OffloadHook) => void): Promise<void> {
    const blobs = this.#blobs as BlobStore;
    const chosen: EncodedLiteral[] = [];
    const hook: OffloadHook = (literal, path) => {
      if (literal.bytes.length <= this.#inlineLimit) return;
      literal.uri = path();
      chosen.push(literal);
    };
    const sqlite = this.db.sqlite;
    sqlite.exec("BEGIN");
    try {
      apply(hook);
    } finally {
      sqlite.exec("ROLLBACK");
    }
    await Promise.all(chosen.map((literal) => blobs.put(literal.uri as string, literal.bytes)));
  }

  /** Reads answer only with durable writes (a client may act on what it reads). */
  async #settled(): Promise<void> {
    if (this.#outstanding > 0) await this.#lastWrite;
  }
}
