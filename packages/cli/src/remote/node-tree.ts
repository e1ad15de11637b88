/**
 * An execution's nodes as a tree: top-level nodes, and under each parent node (sub-workflow,
 * branch, map task, dynamic or eager task) the nodes it started, fetched with
 * ListNodeExecutions' `unique_parent_id`. Nested ids carry their parent's as a prefix
 * (`n1-0-n0`, `n0-e1`), which is what `flyte get logs --node` takes.
 */
import type { NodeExecution } from "@flyte/idl/gen/flyteidl/admin/node_execution_pb.js";
import type { TaskExecution } from "@flyte/idl/gen/flyteidl/admin/task_execution_pb.js";
import type { Remote } from "./connection.ts";
import { executionIdOf } from "./executions.ts";

/** A node with its place in the tree. */
export interface TreeNode {
  readonly node: NodeExecution;
  readonly id: string;
  /** 0 for top-level nodes. */
  readonly depth: number;
  readonly parent: string | undefined;
}

// Start and end nodes carry no work; listing them would only add noise to the tree.
const PLUMBING = new Set(["start-node", "end-node"]);

/** Every node of execution `name`, depth first (a parent before its children). */
export async function nodeTree(remote: Remote, name: string): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  const visit = async (parent: string | undefined, depth: number): Promise<void> => {
    let token = "";
    do {
      const page = await remote.admin.listNodeExecutions({ workflowExecutionId: executionIdOf(remote, name), uniqueParentId: parent ?? "", limit: 1000, token });
      for (const node of page.nodeExecutions) {
        const id = node.id?.nodeId ?? "";
        if (PLUMBING.has(node.metadata?.specNodeId ?? id) || PLUMBING.has(id)) continue;
        out.push({ node, id, depth, parent });
        // Depth is bounded by how deep workflows nest; the guard stops a server bug from looping.
        if (node.metadata?.isParentNode === true && depth < 32) await visit(id, depth + 1);
      }
      token = page.token;
    } while (token !== "");
  };
  await visit(undefined, 0);
  return out;
}

/**
 * Attempt numbers as the CLI prints them: Flyte's `retry_attempt` is 0-based, people count from
 * 1, and the engine's errors say "Attempt 1 failed" for retry_attempt 0 — so `attempt 1/3` is
 * retry_attempt 0 of a task allowed 2 retries (3 attempts).
 */
export function attemptText(retryAttempt: number, totalAttempts: number | undefined): string {
  return totalAttempts === undefined ? `attempt ${retryAttempt + 1}` : `attempt ${retryAttempt + 1}/${totalAttempts}`;
}

/** How many attempts each task may take (retries + 1), fetched once per task version. */
export class AttemptBudget {
  readonly #remote: Remote;
  readonly #fallbackVersion: string | undefined;
  readonly #cache = new Map<string, Promise<number | undefined>>();

  /**
   * `fallbackVersion` is tried for tasks the server names without a version (an eager task's
   * children are not in the execution's compiled closure): registration puts every task of a
   * bundle under one version, the version of the launch plan that was run.
   */
  constructor(remote: Remote, fallbackVersion?: string) {
    this.#remote = remote;
    this.#fallbackVersion = fallbackVersion;
  }

  /** The total attempts of the task `attempt` ran, or undefined when the task cannot be read. */
  totalOf(attempt: TaskExecution): Promise<number | undefined> {
    const given = attempt.id?.taskId;
    const version = given?.version || this.#fallbackVersion;
    if (given === undefined || version === undefined || version === "") return Promise.resolve(undefined);
    const taskId = { ...given, version };
    const key = `${taskId.project}/${taskId.domain}/${taskId.name}/${taskId.version}`;
    let total = this.#cache.get(key);
    if (total === undefined) {
      total = this.#remote.admin.getTask({ id: taskId }).then(
        (task) => (task.closure?.compiledTask?.template?.metadata?.retries?.retries ?? 0) + 1,
        () => undefined, // an array task's items or an unregistered task: show the attempt alone
      );
      this.#cache.set(key, total);
    }
    return total;
  }
}
