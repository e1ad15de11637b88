/**
 * What a call returns inside a workflow body, by output form:
 * one output → the promise itself; positional → an array of promises; named → an object of
 * promises that is also iterable in declaration order; none → a `VoidHandle` for ordering.
 * All of them carry `withOverrides` (returns the same handle) and `runsBefore`.
 */
import type { NodeRecord } from "./builder.ts";
import { FlyteError } from "./errors.ts";
import { mergeOverrides, type NodeOverrides } from "./overrides.ts";
import { NodePromise, isNodePromise } from "./promise.ts";

/** Symbol under which a handle keeps its node. */
const NODE: unique symbol = Symbol.for("flytekit.handle-node") as never;

/** Methods every handle has. */
export interface NodeHandleMethods {
  /** Per-call settings for this node; returns the same handle. */
  withOverrides(overrides: NodeOverrides): this;
  /** Makes `other`'s node wait for this node, without passing data; returns `other`. */
  runsBefore<H extends Orderable>(other: H): H;
}

/** The handle of a call to an entity without outputs: usable only for ordering and overrides. */
export interface VoidHandle extends NodeHandleMethods {
  readonly [NODE]: NodeRecord;
}

/** Anything that stands for a node: a promise, a handle of any form. */
export type Orderable = NodePromise<unknown> | NodeHandleMethods;

/** The node a handle or promise stands for; `method` names the caller for the error. */
export function nodeOfHandle(handle: unknown, method: string): NodeRecord {
  if (isNodePromise(handle)) {
    const node = NodePromise.refOf(handle).node;
    if (node !== undefined) return node;
  } else if (typeof handle === "object" && handle !== null && NODE in handle) {
    return (handle as { [NODE]: NodeRecord })[NODE];
  }
  throw new FlyteError(
    "E_PROMISE_MISUSE",
    `${method} takes what a call to a task or workflow returned inside the same workflow body.`,
  );
}

function attachMethods(target: object, node: NodeRecord): void {
  Object.defineProperties(target, {
    [NODE]: { value: node },
    withOverrides: {
      value(this: object, overrides: NodeOverrides) {
        node.overrides = mergeOverrides(`node ${node.id}`, node.overrides, overrides);
        return this;
      },
    },
    runsBefore: {
      value<H>(other: H): H {
        nodeOfHandle(other, "runsBefore()").upstream.add(node.id);
        return other;
      },
    },
  });
}

/** Builds the handle of `node` from its output promises. */
export function makeHandle(
  node: NodeRecord,
  form: "none" | "single" | "positional" | "named",
  promises: readonly NodePromise<unknown>[],
  names: readonly string[],
): unknown {
  switch (form) {
    case "single":
      return promises[0];
    case "positional": {
      const list = [...promises];
      attachMethods(list, node);
      return list;
    }
    case "named": {
      const handle: Record<string, unknown> = {};
      names.forEach((name, i) => {
        handle[name] = promises[i];
      });
      attachMethods(handle, node);
      Object.defineProperty(handle, Symbol.iterator, { value: () => promises[Symbol.iterator]() });
      return handle;
    }
    case "none": {
      const handle = {};
      attachMethods(handle, node);
      Object.defineProperties(handle, {
        [Symbol.toPrimitive]: {
          value() {
            throw new FlyteError(
              "E_PROMISE_MISUSE",
              `Node ${node.id} (${node.entity.name}) has no outputs, so its result is not a value; use it only for ordering (runsBefore).`,
            );
          },
        },
        toJSON: {
          value() {
            throw new FlyteError("E_PROMISE_MISUSE", `Node ${node.id} (${node.entity.name}) has no outputs to serialize.`);
          },
        },
      });
      return handle;
    }
  }
}

/** True for handles returned by calls (positional, named or void), not for promises. */
export function isHandle(value: unknown): boolean {
  return typeof value === "object" && value !== null && NODE in value;
}
