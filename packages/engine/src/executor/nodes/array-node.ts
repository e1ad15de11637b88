/**
 * Array nodes (map tasks, and — beyond Flyte 1 — mapped workflows and launch plans): the inner
 * node runs once per item, items in parallel up to the node's `parallelism`.
 *
 * Items stream through a window: only running items have state (their attempt, timers), so a
 * 100,000-item map costs memory for its inputs and outputs plus at most `window` running items —
 * never per-item objects created up front. `parallelism` 0 or unset means "no limit" in Flyte;
 * here it means {@link UNBOUNDED_WINDOW} items at once, which keeps memory bounded. Every item
 * also has a compact state, as in Flyte's MINIMAL_STATE: its phase (one byte) and attempts started
 * (two bytes), in typed arrays. An item's inputs are built when it starts, from the mapped lists;
 * its outputs go straight into the result lists.
 *
 * Item events carry `arrayItem` (the array node, index and count), so stores keep items in a
 * summary on the array node and full records only for items that failed (store/array-items.ts).
 *
 * Inputs not listed in `boundInputs` must be lists of one length; item `i` gets element `i` of
 * each, and bound inputs as they are. Item `i` runs as node `<node>-<i>` (its task events carry
 * that id). The node succeeds when at least `minSuccesses` items (or `ceil(n × minSuccessRatio)`;
 * by default all) succeeded: each output is the list of item outputs, with a none literal for
 * failed items (the compiled type is then a list of optionals). As soon as too many items failed
 * to reach that bar, the node fails — naming the failed items — and running items are aborted.
 */
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { ArrayNode, Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { CacheStatus } from "../../runtime/catalog.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import type { ArrayItemRef, ExecutionEvent } from "../../runtime/events.ts";
import type { NodeExecutionPhase } from "../../runtime/phases.ts";
import type { TaskRunner } from "../../runtime/task-runner.ts";
import { MAX_ITEM_ATTEMPTS, arrayItemPhaseCode } from "../../store/array-items.ts";
import { END_INDEX } from "../execution-graph.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeFailurePhase,
  type NodeEventDetails,
  type NodeHandler,
  type NodeRuntime,
  type NodeServices,
  type PrepareContext,
  type PreparedNode,
} from "./node-handler.ts";

/** Items running at once when the node sets no parallelism. */
export const UNBOUNDED_WINDOW = 4096;

/**
 * Most items started in one turn of the event loop; the rest start a turn later, slice by slice.
 * The engine's writes of one turn share one commit in the server (its group committer commits at
 * the turn's check phase), and an attempt is handed to a worker only once its enqueue has
 * committed: a 1,000-item map started in one turn kept both workers idle for the 70–130 ms it took
 * to start, record and commit every item (docs/benchmarks.md, ninth round). Sliced, the first
 * items run while the later ones are still being started. Each slice's events and enqueues commit
 * together, as when a window (`parallelism`) starts items as others end, so a crash between two
 * slices leaves what a resumed execution already handles. 128 fills two workers' default credit.
 */
export const START_SLICE = 128;

/** Failed items kept for the failure message (the lowest indexes). */
const SHOWN_FAILURES = 20;

/** Codes of array-node failures. */
export const arrayErrorCodes = {
  /** Fewer items succeeded than the success criteria require. */
  tooManyFailures: "USER:ArrayNodeFailed",
  /** The node's inputs are not lists of one length. */
  badInputs: "USER:ArrayNodeInputs",
} as const;

const NONE_LITERAL: Literal = {
  $typeName: "flyteidl.core.Literal",
  value: { case: "scalar", value: { $typeName: "flyteidl.core.Scalar", value: { case: "noneType", value: { $typeName: "flyteidl.core.Void" } } } },
  hash: "",
  metadata: {},
};

/** Runs array nodes. */
export const arrayNodeHandler: NodeHandler = {
  prepare(node: Node, context: PrepareContext): PreparedNode {
    const array = node.target.value as ArrayNode;
    const inner = array.node;
    if (inner === undefined) {
      throw new NodePreparationError(nodeError(engineErrorCodes.invalidClosure, "SYSTEM", `Array node "${node.id}" has no inner node to run per item.`, node.id));
    }
    const item = context.prepare(inner);
    const criteria = array.successCriteria;
    return new PreparedArrayNode(
      item,
      new Set(array.boundInputs),
      outputNamesOf(inner, context),
      array.parallelismOption.case === "parallelism" && array.parallelismOption.value > 0 ? array.parallelismOption.value : 0,
      criteria.case === "minSuccesses" ? { minSuccesses: criteria.value } : criteria.case === "minSuccessRatio" ? { ratio: criteria.value } : { ratio: 1 },
    );
  },
};

/** Output names of one item, when the inner node says (task interface, sub-workflow outputs). */
function outputNamesOf(inner: Node, context: PrepareContext): readonly string[] | undefined {
  if (inner.target.case === "taskNode") {
    const ref = (inner.target.value).reference;
    if (ref.case !== "referenceId") return undefined;
    return Object.keys(context.findTask(ref.value)?.interface?.outputs?.variables ?? {});
  }
  if (inner.target.case === "workflowNode") {
    const ref = (inner.target.value).reference;
    if (ref.case === "subWorkflowRef") return context.subWorkflowGraph(ref.value).bindings[END_INDEX]?.map((b) => b.var);
  }
  return undefined;
}

type Criteria = { readonly minSuccesses: number } | { readonly ratio: number };

class PreparedArrayNode implements PreparedNode {
  readonly kind = "arrayNode";
  readonly countsTowardParallelism = true;
  readonly taskName?: string;
  readonly item: PreparedNode;
  readonly bound: ReadonlySet<string>;
  readonly outputNames: readonly string[] | undefined;
  readonly window: number;
  readonly criteria: Criteria;

  constructor(item: PreparedNode, bound: ReadonlySet<string>, outputNames: readonly string[] | undefined, parallelism: number, criteria: Criteria) {
    this.item = item;
    if (item.taskName !== undefined) this.taskName = item.taskName;
    this.bound = bound;
    this.outputNames = outputNames;
    this.window = parallelism > 0 ? parallelism : UNBOUNDED_WINDOW;
    this.criteria = criteria;
  }

  start(runtime: NodeRuntime, index: number, inputs: LiteralMap): ActiveNode {
    const execution = new ArrayNodeExecution(this, runtime, index);
    execution.begin(inputs);
    return execution;
  }
}

/**
 * One array node while it runs. It is also the runtime its items see: item `i` is "node index
 * i" to the inner handler, so starting an item allocates nothing but the item's own state.
 */
class ArrayNodeExecution implements ActiveNode, NodeRuntime {
  readonly executionId: string;
  readonly runner: TaskRunner;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /**
   * The parent's services, so items see the execution's cache: a cached map task caches each
   * item by its own inputs (Flyte's array node sub-node cache), and an item whose inputs did not
   * change hits while a changed one runs.
   */
  readonly services: NodeServices | undefined;
  readonly #node: PreparedArrayNode;
  readonly #parent: NodeRuntime;
  readonly #index: number;
  readonly #id: string;
  readonly #active = new Map<number, ActiveNode>();
  #count = 0;
  #required = 0;
  #next = 0;
  #succeeded = 0;
  #failed = 0;
  /**
   * The lowest-indexed failures so far, in index order, at most {@link SHOWN_FAILURES}: items end
   * in whatever order their attempts complete, so the message names failures by index, not by
   * arrival, and reads the same however the items raced.
   */
  #failures: { item: number; error: ExecutionError }[] = [];
  #done = false;
  #pumping = false;
  /** Whether the next slice of items is scheduled (see {@link START_SLICE}). */
  #sliceScheduled = false;
  /** Per item: the mapped inputs' elements and the bound inputs' literals. */
  #mapped: [string, readonly Literal[]][] = [];
  #fixed: Record<string, Literal> = {};
  /** Item outputs by output name; `undefined` until an item reports (a hole for failures). */
  #results = new Map<string, (Literal | undefined)[]>();
  /** Per item: its phase code (store/array-items.ts; 0 = not started) and attempts started. */
  #phases = new Uint8Array(0);
  #attempts = new Uint16Array(0);
  /** `<node>-`: the prefix of item ids, to recognise an item's own attempt events. */
  #itemPrefix = "";

  constructor(node: PreparedArrayNode, parent: NodeRuntime, index: number) {
    this.#node = node;
    this.#parent = parent;
    this.#index = index;
    this.#id = parent.nodeId(index);
    this.executionId = parent.executionId;
    this.runner = parent.runner;
    this.clock = parent.clock;
    this.signal = parent.signal;
    this.services = parent.services;
  }

  begin(inputs: LiteralMap): void {
    const offloaded = Object.entries(inputs.literals).filter(([name, l]) => !this.#node.bound.has(name) && l.value.case === "offloadedMetadata");
    if (offloaded.length === 0) {
      this.#beginWith(inputs.literals);
      return;
    }
    // A mapped list too large for the database was offloaded by the task that made it: read it
    // back from the store before items can be built. The node is running meanwhile; an abort
    // while reading leaves it stopped (#done) and the read's result unused.
    const reader = this.#parent.services?.offloadedLiterals;
    if (reader === undefined) {
      const [name, literal] = offloaded[0] as [string, Literal];
      const meta = literal.value.value as { uri: string; sizeBytes: bigint };
      this.#failInputs(`input "${name}" is an offloaded list (${String(meta.sizeBytes)} bytes at ${meta.uri}) and this engine was given no way to read offloaded literals.`);
      return;
    }
    const literals = { ...inputs.literals };
    Promise.all(
      offloaded.map(async ([name, literal]) => {
        const meta = literal.value.value as { uri: string; sizeBytes: bigint };
        try {
          literals[name] = await reader(meta.uri, meta.sizeBytes);
        } catch (err) {
          throw new Error(`input "${name}" is an offloaded list that could not be read from ${meta.uri}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }),
    ).then(
      () => {
        if (!this.#done) this.#beginWith(literals);
      },
      (err: unknown) => {
        if (!this.#done) this.#failInputs(err instanceof Error ? err.message : String(err));
      },
    );
  }

  #beginWith(inputs: Readonly<Record<string, Literal>>): void {
    let count: number | undefined;
    for (const [name, literal] of Object.entries(inputs)) {
      if (this.#node.bound.has(name)) {
        this.#fixed[name] = literal;
        continue;
      }
      if (literal.value.case === "offloadedMetadata") {
        this.#failInputs(`input "${name}" is an offloaded literal that holds another offloaded literal (${literal.value.value.uri}); map over a list.`);
        return;
      }
      if (literal.value.case !== "collection") {
        this.#failInputs(`input "${name}" is not a list; map over lists, or bind it (it is not in boundInputs).`);
        return;
      }
      const items = literal.value.value.literals;
      if (count !== undefined && items.length !== count) {
        this.#failInputs(`mapped inputs have different lengths (${count} and ${items.length} for "${name}"); every mapped list needs one element per item.`);
        return;
      }
      count = items.length;
      this.#mapped.push([name, items]);
    }
    this.#count = count ?? 0;
    this.#phases = new Uint8Array(this.#count);
    this.#attempts = new Uint16Array(this.#count);
    this.#itemPrefix = `${this.#id}-`;
    const criteria = this.#node.criteria;
    this.#required =
      "minSuccesses" in criteria ? Math.min(criteria.minSuccesses, this.#count) : Math.ceil(this.#count * criteria.ratio - 1e-9);
    for (const name of this.#node.outputNames ?? []) this.#results.set(name, new Array<Literal | undefined>(this.#count));
    this.#pump();
  }

  // ---- the runtime items see ------------------------------------------------------------------

  nodeId(item: number): string {
    return `${this.#id}-${item}`;
  }

  emit(event: ExecutionEvent): void {
    // An item's own attempt events (not those of nodes inside a mapped workflow) get its index.
    if (event.kind === "task" && event.arrayItem === undefined) {
      const index = this.#itemIndexOf(event.nodeId);
      if (index >= 0) {
        const attempts = Math.min(event.attempt + 1, MAX_ITEM_ATTEMPTS);
        if (attempts > (this.#attempts[index] as number)) this.#attempts[index] = attempts;
        this.#parent.emit({ ...event, arrayItem: this.#ref(index) });
        return;
      }
    }
    this.#parent.emit(event);
  }

  succeed(item: number, outputs: LiteralMap, details?: NodeEventDetails): void {
    if (this.#done || !this.#active.delete(item)) return;
    this.#succeeded++;
    this.#itemEvent(item, "SUCCEEDED", undefined, details?.cacheStatus);
    for (const [name, literal] of Object.entries(outputs.literals)) {
      let list = this.#results.get(name);
      if (list === undefined) {
        list = new Array<Literal | undefined>(this.#count);
        this.#results.set(name, list);
      }
      list[item] = literal;
    }
    this.#pump();
  }

  fail(item: number, error: ExecutionError, phase: NodeFailurePhase, details?: NodeEventDetails): void {
    if (this.#done || !this.#active.delete(item)) return;
    this.#failed++;
    this.#itemEvent(item, phase, error, details?.cacheStatus);
    this.#keepFailure(item, error);
    if (this.#failed > this.#count - this.#required) {
      this.#finishFailed();
      return;
    }
    this.#pump();
  }

  skip(item: number): void {
    // A skipped item (a branch that took no path) produced nothing: it counts as a success with no outputs.
    if (this.#done || !this.#active.delete(item)) return;
    this.#succeeded++;
    this.#itemEvent(item, "SKIPPED");
    this.#pump();
  }

  outputsOf(): LiteralMap | undefined {
    return undefined;
  }

  // ---- the node -------------------------------------------------------------------------------

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#abortItems();
  }

  /**
   * Starts items while the window has room, at most {@link START_SLICE} per call (the rest a turn
   * later); re-entrant calls (items ending synchronously) return.
   */
  #pump(): void {
    if (this.#pumping || this.#done) return;
    this.#pumping = true;
    try {
      const window = this.#node.window;
      let started = 0;
      while (!this.#done && this.#next < this.#count && this.#active.size < window) {
        if (started++ === START_SLICE) {
          this.#nextSlice();
          break;
        }
        const item = this.#next++;
        const literals: Record<string, Literal> = { ...this.#fixed };
        for (const [name, items] of this.#mapped) literals[name] = items[item] as Literal;
        this.#active.set(item, PLACEHOLDER);
        this.#itemEvent(item, "RUNNING");
        const active = this.#node.item.start(this, item, { $typeName: "flyteidl.core.LiteralMap", literals });
        // The item may have ended synchronously; keep it only while it runs.
        if (this.#active.has(item)) this.#active.set(item, active);
      }
    } finally {
      this.#pumping = false;
    }
    if (!this.#done && this.#active.size === 0 && this.#next >= this.#count) this.#finish();
  }

  /**
   * Starts the next slice two turns of the event loop from now (setImmediate twice): the first
   * lets the server's group commit of this slice run, the second the I/O that hands its attempts
   * out (the HTTP/2 writes) and reads completions, before the next slice takes the thread.
   */
  #nextSlice(): void {
    if (this.#sliceScheduled) return;
    this.#sliceScheduled = true;
    setImmediate(() =>
      setImmediate(() => {
        this.#sliceScheduled = false;
        this.#pump();
      }),
    );
  }

  #finish(): void {
    if (this.#succeeded < this.#required) {
      this.#finishFailed();
      return;
    }
    this.#done = true;
    const literals: Record<string, Literal> = {};
    for (const [name, list] of this.#results) {
      // Holes (failed or skipped items) become none, in place: the list becomes the output.
      for (let i = 0; i < list.length; i++) list[i] ??= NONE_LITERAL;
      const items = list as Literal[];
      literals[name] = {
        $typeName: "flyteidl.core.Literal",
        value: { case: "collection", value: { $typeName: "flyteidl.core.LiteralCollection", literals: items } },
        hash: "",
        metadata: {},
      };
    }
    this.#results.clear();
    this.#parent.succeed(this.#index, { $typeName: "flyteidl.core.LiteralMap", literals });
  }

  /** Inserts a failure in index order, keeping only the {@link SHOWN_FAILURES} lowest. */
  #keepFailure(item: number, error: ExecutionError): void {
    const kept = this.#failures;
    if (kept.length >= SHOWN_FAILURES && item > (kept[kept.length - 1] as { item: number }).item) return;
    let at = kept.length;
    while (at > 0 && (kept[at - 1] as { item: number }).item > item) at--;
    kept.splice(at, 0, { item, error });
    if (kept.length > SHOWN_FAILURES) kept.pop();
  }

  #finishFailed(): void {
    this.#done = true;
    this.#abortItems();
    const first = this.#failures[0];
    const shown = this.#failures.map((f) => f.item).join(", ") + (this.#failed > this.#failures.length ? ", ..." : "");
    const message =
      `${this.#failed} of ${this.#count} items failed (items ${shown}); at least ${this.#required} had to succeed. ` +
      `First failure (item ${first?.item ?? "?"}): ${first?.error.message ?? "unknown"}`;
    this.#parent.fail(
      this.#index,
      nodeError(arrayErrorCodes.tooManyFailures, first?.error.kind ?? "USER", message, this.#id, this.#node.taskName),
      "FAILED",
    );
  }

  #failInputs(detail: string): void {
    this.#done = true;
    this.#parent.fail(this.#index, nodeError(arrayErrorCodes.badInputs, "USER", `Array node "${this.#id}": ${detail}`, this.#id, this.#node.taskName), "FAILED");
  }

  #abortItems(): void {
    const active = [...this.#active];
    this.#active.clear();
    for (const [item, node] of active) {
      node.abort();
      this.#itemEvent(item, "ABORTED");
    }
  }

  /**
   * Items are recorded as nodes `<node>-<i>` (their attempts hang off them), without inputs or
   * outputs: the array node's own events carry the lists, and 100,000 copies would not be cheap.
   * A cached item's end carries its cache status (a hit has no attempt).
   */
  #itemEvent(item: number, phase: NodeExecutionPhase, error?: ExecutionError, cacheStatus?: CacheStatus): void {
    this.#phases[item] = arrayItemPhaseCode(phase);
    const base = {
      kind: "node",
      executionId: this.executionId,
      nodeId: `${this.#itemPrefix}${item}`,
      phase,
      occurredAt: this.clock.now(),
      arrayItem: this.#ref(item),
    } as const;
    const event = error === undefined ? base : { ...base, error };
    this.#parent.emit(cacheStatus === undefined ? event : { ...event, cacheStatus });
  }

  #ref(index: number): ArrayItemRef {
    return { arrayNodeId: this.#id, index, count: this.#count };
  }

  /** The item whose own id is `nodeId` (`<node>-<i>`), or -1 (another node, e.g. inside a mapped workflow). */
  #itemIndexOf(nodeId: string): number {
    const prefix = this.#itemPrefix;
    if (nodeId.length <= prefix.length || !nodeId.startsWith(prefix)) return -1;
    const index = Number(nodeId.slice(prefix.length));
    return Number.isInteger(index) && index >= 0 && index < this.#count ? index : -1;
  }
}

/** Marks an item as running while its handler starts it. */
const PLACEHOLDER: ActiveNode = { abort() {} };
