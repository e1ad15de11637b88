/**
 * Caching around task nodes (flyte-semantics.md §3): before a cacheable node runs, its key is
 * looked up in the {@link Catalog}; a hit ends the node SUCCEEDED with the stored outputs and
 * nothing runs. Otherwise the task runs as usual and, when it succeeds, its outputs are stored.
 * Cache-serialized tasks first take a reservation of the key, so identical runs wait for one
 * computation and then hit its result.
 *
 * The task-node handler stays unaware of all this: the attempts run against a wrapping
 * {@link NodeRuntime} whose `succeed` stores the outputs before reporting the node done.
 */
import type { Identifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { TypedInterface } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { TaskTemplate } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import type { Node } from "@flyte/idl/gen/flyteidl/core/workflow_pb.js";
import type { CacheKey, CacheStatus, Catalog } from "../../runtime/catalog.ts";
import type { ExecutionError } from "../../runtime/errors.ts";
import { cacheKeyOf } from "../cache-key.ts";
import { engineErrorCodes, nodeError } from "../execution-errors.ts";
import {
  NodePreparationError,
  type ActiveNode,
  type NodeFailurePhase,
  type NodeRuntime,
} from "./node-handler.ts";

/** How often a reservation holder extends it, and how often a waiter checks again. */
export const RESERVATION_HEARTBEAT_MS = 1000;

/** The cache settings of one task node, node overrides applied. */
export interface TaskCachePolicy {
  readonly taskId: Identifier;
  readonly cacheVersion: string;
  readonly serialize: boolean;
  readonly ignoredInputs: readonly string[];
  readonly taskInterface: TypedInterface | undefined;
}

/**
 * The node's cache policy, or undefined when it is not cacheable. Node metadata (`withOverrides`)
 * wins over the task's metadata, field by field.
 *
 * @throws NodePreparationError when the node is cacheable but has no cache version.
 */
export function cachePolicyOf(node: Node, task: TaskTemplate): TaskCachePolicy | undefined {
  const meta = node.metadata;
  const cacheable = meta?.cacheableValue.case === "cacheable" ? meta.cacheableValue.value : (task.metadata?.discoverable ?? false);
  if (!cacheable) return undefined;
  const version = meta?.cacheVersionValue.case === "cacheVersion" && meta.cacheVersionValue.value !== ""
    ? meta.cacheVersionValue.value
    : (task.metadata?.discoveryVersion ?? "");
  const taskId = task.id;
  if (version === "" || taskId === undefined) {
    throw new NodePreparationError(
      nodeError(
        engineErrorCodes.invalidClosure,
        "SYSTEM",
        `Task node "${node.id}" is cacheable but has no cache version; set the task's discoveryVersion (cache.version) or the node's cacheVersion.`,
        node.id,
        taskId?.name,
      ),
    );
  }
  return {
    taskId,
    cacheVersion: version,
    serialize: meta?.cacheSerializableValue.case === "cacheSerializable" ? meta.cacheSerializableValue.value : (task.metadata?.cacheSerializable ?? false),
    ignoredInputs: task.metadata?.cacheIgnoreInputVars ?? [],
    taskInterface: task.interface,
  };
}

/**
 * Starts a cacheable task node. `startRun` starts the task's attempts against the runtime it is
 * given, exactly as for an uncached node.
 */
export function startCachedTaskNode(
  policy: TaskCachePolicy,
  runtime: NodeRuntime,
  index: number,
  inputs: LiteralMap,
  startRun: (runtime: NodeRuntime) => ActiveNode,
): ActiveNode {
  const node = new CachedTaskNode(policy, runtime, index, inputs, startRun);
  node.begin();
  return node;
}

class CachedTaskNode implements ActiveNode {
  readonly #runtime: NodeRuntime;
  readonly #index: number;
  readonly #startRun: (runtime: NodeRuntime) => ActiveNode;
  readonly #catalog: Catalog | undefined;
  readonly #key: CacheKey;
  readonly #serialize: boolean;
  readonly #ownerId: string;
  #inner: ActiveNode | undefined;
  #done = false;
  #holdsReservation = false;
  #cancelTimer: (() => void) | undefined;
  /** Status when the run ends without storing anything (a failure). */
  #lookupStatus: CacheStatus = "CACHE_MISS";

  constructor(policy: TaskCachePolicy, runtime: NodeRuntime, index: number, inputs: LiteralMap, startRun: (runtime: NodeRuntime) => ActiveNode) {
    this.#runtime = runtime;
    this.#index = index;
    this.#startRun = startRun;
    this.#catalog = runtime.services?.catalog;
    this.#key = cacheKeyOf(policy, inputs);
    this.#serialize = policy.serialize;
    this.#ownerId = `${runtime.executionId}/${runtime.nodeId(index)}`;
  }

  begin(): void {
    if (this.#catalog === undefined) {
      this.#lookupStatus = "CACHE_DISABLED";
      this.#run(false);
    } else if (this.#runtime.services?.overwriteCache === true) {
      // Overwrite: no lookup and no reservation; the new result replaces the stored one.
      this.#lookupStatus = "CACHE_SKIPPED";
      this.#run(true);
    } else {
      this.#lookup();
    }
  }

  abort(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stopTimer();
    this.#inner?.abort();
    this.#release();
  }

  #lookup(): void {
    settle(() => this.#catalog?.get(this.#key)).then(
      (outputs) => {
        if (this.#done) return;
        if (outputs !== undefined) {
          this.#done = true;
          this.#release();
          this.#runtime.succeed(this.#index, outputs, { cacheStatus: "CACHE_HIT" });
        } else if (this.#serialize && !this.#holdsReservation) {
          this.#reserve();
        } else {
          this.#run(true);
        }
      },
      () => {
        if (this.#done) return;
        this.#lookupStatus = "CACHE_LOOKUP_FAILURE";
        this.#run(true);
      },
    );
  }

  /** Takes the reservation and runs, or waits a heartbeat and looks the cache up again. */
  #reserve(): void {
    const clock = this.#runtime.clock;
    settle(() => this.#catalog?.getOrExtendReservation(this.#key, this.#ownerId, RESERVATION_HEARTBEAT_MS, clock.now())).then(
      (reservation) => {
        if (this.#done) return;
        if (reservation?.acquired === true) {
          this.#holdsReservation = true;
          this.#heartbeat();
          // Someone may have finished between our lookup and the reservation: look once more.
          this.#lookup();
        } else {
          this.#cancelTimer = clock.setTimer(RESERVATION_HEARTBEAT_MS, () => {
            this.#cancelTimer = undefined;
            this.#lookup();
          });
        }
      },
      // A catalog that cannot reserve must not block the node: run without the reservation.
      () => {
        if (!this.#done) this.#run(true);
      },
    );
  }

  /** Keeps extending the reservation while the task runs. */
  #heartbeat(): void {
    const clock = this.#runtime.clock;
    this.#cancelTimer = clock.setTimer(RESERVATION_HEARTBEAT_MS, () => {
      this.#cancelTimer = undefined;
      if (this.#done || !this.#holdsReservation) return;
      void settle(() => this.#catalog?.getOrExtendReservation(this.#key, this.#ownerId, RESERVATION_HEARTBEAT_MS, clock.now())).catch(() => undefined);
      this.#heartbeat();
    });
  }

  #run(store: boolean): void {
    if (!this.#holdsReservation) this.#stopTimer();
    this.#inner = this.#startRun(this.#wrappedRuntime(store));
  }

  /** The runtime the attempts see: success stores the outputs first; both ends carry the cache status. */
  #wrappedRuntime(store: boolean): NodeRuntime {
    const succeed = (index: number, outputs: LiteralMap): void => {
      if (this.#done) return;
      if (!store || this.#catalog === undefined) {
        this.#finish();
        this.#runtime.succeed(index, outputs, { cacheStatus: this.#lookupStatus });
        return;
      }
      void settle(() => this.#catalog?.put(this.#key, outputs)).then(
        () => "CACHE_POPULATED" as const,
        () => "CACHE_PUT_FAILURE" as const,
      ).then((cacheStatus) => {
        if (this.#done) return;
        this.#finish();
        this.#runtime.succeed(index, outputs, { cacheStatus });
      });
    };
    const fail = (index: number, error: ExecutionError, phase: NodeFailurePhase): void => {
      if (this.#done) return;
      this.#finish();
      this.#runtime.fail(index, error, phase, { cacheStatus: this.#lookupStatus });
    };
    const target = this.#runtime;
    return new Proxy(target, {
      get(t, property) {
        if (property === "succeed") return succeed;
        if (property === "fail") return fail;
        const value: unknown = Reflect.get(t, property, t);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(t) : value;
      },
    });
  }

  #finish(): void {
    this.#done = true;
    this.#stopTimer();
    this.#release();
  }

  #release(): void {
    if (!this.#holdsReservation) return;
    this.#holdsReservation = false;
    void settle(() => this.#catalog?.releaseReservation(this.#key, this.#ownerId)).catch(() => undefined);
  }

  #stopTimer(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }
}

/** Calls a catalog method that may be sync or async, throw or reject, as one promise. */
function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
