/**
 * The workflow builder: while a workflow body is traced, calls to entities add nodes here.
 *
 * Tracing is synchronous, so one module-level "current builder" is enough; nesting (a body
 * traced while another is being traced) saves and restores it.
 */
import type { Binding } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CallableEntity } from "./entity.ts";
import type { NodeOverrides } from "./overrides.ts";

/** One node of a traced workflow. */
export interface NodeRecord {
  /** `n0, n1, ...` in call order (with the builder's prefix). */
  readonly id: string;
  readonly entity: CallableEntity;
  readonly bindings: Binding[];
  /** Nodes this one waits for: data dependencies and explicit `runsBefore` edges. */
  readonly upstream: Set<string>;
  overrides: NodeOverrides;
  readonly builder: WorkflowBuilder;
}

/** Collects the nodes of one workflow body. */
export class WorkflowBuilder {
  readonly workflowName: string;
  readonly prefix: string;
  readonly nodes: NodeRecord[] = [];
  /** The builder this one is nested in (the body around a conditional's branches). */
  readonly parent: WorkflowBuilder | undefined;
  /** Constructs started in this body and not finished yet, by node id (a conditional without else). */
  readonly #open = new Map<string, () => Error>();

  constructor(workflowName: string, prefix = "n", parent?: WorkflowBuilder) {
    this.workflowName = workflowName;
    this.prefix = prefix;
    this.parent = parent;
  }

  /** Whether promises of nodes of `other` may be used here: the same body or one it is nested in. */
  sees(other: WorkflowBuilder): boolean {
    return this === other || (this.parent?.sees(other) ?? false);
  }

  /** Marks node `id` as unfinished until `close(id)`; `error` explains what is missing. */
  open(id: string, error: () => Error): void {
    this.#open.set(id, error);
  }

  /** Marks node `id` as finished. */
  close(id: string): void {
    this.#open.delete(id);
  }

  /** Throws the error of the first unfinished construct, if any (called when the body returns). */
  assertFinished(): void {
    for (const error of this.#open.values()) throw error();
  }

  /** Adds a node for a call of `entity`; bindings are filled in by the caller. */
  addNode(entity: CallableEntity): NodeRecord {
    const node: NodeRecord = {
      id: `${this.prefix}${this.nodes.length}`,
      entity,
      bindings: [],
      upstream: new Set(),
      overrides: {},
      builder: this,
    };
    this.nodes.push(node);
    return node;
  }
}

let current: WorkflowBuilder | undefined;

/** The builder of the body being traced, if any. */
export function currentBuilder(): WorkflowBuilder | undefined {
  return current;
}

/** Runs `fn` with `builder` as the current builder. */
export function withBuilder<T>(builder: WorkflowBuilder, fn: () => T): T {
  const saved = current;
  current = builder;
  try {
    return fn();
  } finally {
    current = saved;
  }
}
