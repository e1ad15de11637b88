/**
 * `flyte get nodes NAME` (the node tree, nested nodes indented) and `flyte get logs NAME
 * [--node ID] [--follow]` (what task attempts printed; --follow polls until the execution ends).
 */
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import type { Remote } from "../remote/connection.ts";
import { durationText, failureText, getExecution, isTerminal, nodePhaseName, table, timeText } from "../remote/executions.ts";
import { AttemptBudget, attemptText, nodeTree, type TreeNode } from "../remote/node-tree.ts";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Prints the node tree of execution `name`. */
export async function showNodes(remote: Remote, name: string, json: boolean, io: Io): Promise<number> {
  await getExecution(remote, name);
  const tree = await nodeTree(remote, name);
  const errorOf = (t: TreeNode): string | undefined => {
    const result = t.node.closure?.outputResult;
    return result?.case === "error" ? `${result.value.code}: ${result.value.message}` : undefined;
  };
  // A launch plan node runs as an execution of its own; its nodes are that execution's.
  const childOf = (t: TreeNode): string | undefined => {
    const target = t.node.closure?.targetMetadata;
    return target?.case === "workflowNodeMetadata" ? target.value.executionId?.name : undefined;
  };
  if (json) {
    const out = tree.map((t) => {
      const error = errorOf(t);
      return {
        id: t.id,
        parent: t.parent ?? null,
        depth: t.depth,
        phase: nodePhaseName(t.node.closure?.phase ?? 0),
        attempts: Number(t.node.metadata?.retryGroup ?? "0") + 1,
        ...(error !== undefined ? { error } : {}),
        ...(childOf(t) !== undefined ? { childExecution: childOf(t) } : {}),
      };
    });
    io.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  const rows = tree.map((t) => [
    `${"  ".repeat(t.depth)}${t.id}`,
    nodePhaseName(t.node.closure?.phase ?? 0),
    timeText(t.node.closure?.startedAt),
    durationText(t.node.closure?.duration),
    (errorOf(t) ?? "").split("\n")[0]!,
    childOf(t) ?? "",
  ]);
  const withChildren = rows.some((r) => r[5] !== "");
  const header = ["NODE", "PHASE", "STARTED", "DURATION", "ERROR", ...(withChildren ? ["CHILD EXECUTION"] : [])];
  io.stdout.write(`${table(header, withChildren ? rows : rows.map((r) => r.slice(0, 5)))}\n`);
  return 0;
}

/** Options of {@link showLogs}. */
export interface LogOptions {
  /** Only this node and the nodes under it. */
  readonly node?: string | undefined;
  /** Keep polling until the execution ends; the exit code is then its outcome. */
  readonly follow?: boolean;
  /** @default 1000 */
  readonly pollMs?: number;
}

/** Prints the logs of the task attempts of execution `name`. */
export async function showLogs(remote: Remote, name: string, options: LogOptions, io: Io): Promise<number> {
  const wanted = options.node;
  const budget = new AttemptBudget(remote, (await getExecution(remote, name)).spec?.launchPlan?.version);
  const printed = new Map<string, number>(); // characters of each attempt's log printed so far
  let lastHeader: string | undefined;
  // The server writes an attempt's log just after it records the outcome, so an execution can
  // be over a moment before its last log is there: after the end, missing logs get a few more polls.
  let grace = 12;
  for (;;) {
    let missing = 0;
    const execution = await getExecution(remote, name);
    const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
    const ended = isTerminal(phase); // read before the nodes, so the last pass sees everything
    const tree = await nodeTree(remote, name);
    const nodes = tree.filter((t) => wanted === undefined || t.id === wanted || t.id.startsWith(`${wanted}-`));
    if (wanted !== undefined && nodes.length === 0 && (options.follow !== true || ended)) {
      const known = tree.map((t) => t.id).join(", ") || "none";
      throw new Error(`execution '${name}' has no node '${wanted}' (its nodes: ${known})`);
    }
    for (const t of nodes) {
      const attempts = await remote.admin.listTaskExecutions({ nodeExecutionId: t.node.id!, limit: 1000 });
      for (const attempt of attempts.taskExecutions) {
        const retry = attempt.id?.retryAttempt ?? 0;
        for (const [i, log] of (attempt.closure?.logs ?? []).entries()) {
          const key = `${t.id}/${retry}/${i}`;
          const text = await fetchLog(new URL(log.uri, remote.endpoint).href, options.follow === true);
          if (text === undefined) {
            missing++;
            continue;
          }
          const done = printed.get(key) ?? 0;
          const fresh = text.slice(done);
          if (fresh === "" && printed.has(key)) continue;
          const header = `--- ${t.id} ${attemptText(retry, await budget.totalOf(attempt))} ---`;
          if (header !== lastHeader) io.stdout.write(`${header}\n`);
          lastHeader = header;
          io.stdout.write(fresh);
          printed.set(key, text.length);
          if (fresh !== "" && !fresh.endsWith("\n")) {
            // The next header must start on its own line; the rest of this line, if it comes,
            // comes under a header of its own.
            io.stdout.write("\n");
            lastHeader = undefined;
          }
        }
      }
    }
    if (options.follow !== true) {
      if (printed.size === 0) io.stderr.write(`flyte: no task logs for execution '${name}'${wanted !== undefined ? ` node ${wanted}` : ""}\n`);
      return 0;
    }
    if (ended && (missing === 0 || grace-- <= 0)) {
      if (phase === WorkflowExecution_Phase.SUCCEEDED) return 0;
      io.stderr.write(`flyte: ${failureText(execution)}\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, ended ? 250 : (options.pollMs ?? 1000)));
  }
}

/** The log's text; undefined when following and the log is not there yet. */
async function fetchLog(url: string, following: boolean): Promise<string | undefined> {
  const res = await fetch(url).catch((err: unknown) => {
    throw new Error(`could not fetch the log ${url}: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (res.ok) return res.text();
  await res.body?.cancel();
  return following ? undefined : `(log unavailable: HTTP ${res.status})\n`;
}
