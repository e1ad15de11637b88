/**
 * `flyte get executions | execution NAME | nodes NAME | logs NAME`: what the server knows about
 * executions, their nodes, and the logs of their task attempts.
 */
import { Sort_Direction } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { loadEntities, type CallableEntity } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE, type Remote } from "../remote/connection.ts";
import { durationText, errorJson, executionError, executionIdOf, executionOutputs, getExecution, nodePhaseName, phaseName, table, timeText } from "../remote/executions.ts";
import { literalMapToJson } from "../remote/literal-json.ts";

/** Usage text of `flyte get`. */
export const GET_USAGE = `usage: flyte get executions [--limit N]
       flyte get execution NAME [--json] [--file FILE]
       flyte get nodes NAME
       flyte get logs NAME [--node NODE]
       (all: [--endpoint URL] [--project P] [--domain D])

  executions        the latest executions: name, launch plan, phase, start, duration
  execution NAME    one execution's phase, outputs and error; --json prints
                    {"phase", "outputs", "error"?}, outputs as the values the entity returns
                    when --file FILE defines it, else as a JSON rendering of Flyte literals
  nodes NAME        the execution's nodes and their phases
  logs NAME         what the task attempts printed (--node NODE: only that node)
${REMOTE_OPTIONS_USAGE}`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Runs the command; returns the exit code. */
export async function getCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "json"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${GET_USAGE}\n`);
    return 0;
  }
  const [what, name, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const remote = connect(remoteTargetOf(args.options));
  const needName = (): string => {
    if (name === undefined) throw new UsageError(`flyte get ${what ?? ""} needs an execution NAME`);
    return name;
  };
  switch (what) {
    case "executions": {
      checkOptions(args.options, ["limit"]);
      const limitText = args.options.get("limit")?.at(-1) ?? "20";
      if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new UsageError(`--limit must be a whole number ≥ 1 (got '${limitText}')`);
      return listExecutions(remote, Number(limitText), io);
    }
    case "execution":
      checkOptions(args.options, ["file"]);
      return showExecution(remote, needName(), args.flags.has("json"), args.options.get("file") ?? [], io);
    case "nodes":
      checkOptions(args.options, []);
      return showNodes(remote, needName(), io);
    case "logs":
      checkOptions(args.options, ["node"]);
      return showLogs(remote, needName(), args.options.get("node")?.at(-1), io);
    case undefined:
      throw new UsageError("flyte get needs what to get: executions, execution, nodes or logs");
    default:
      throw new UsageError(`flyte get cannot get '${what}'; use executions, execution, nodes or logs`);
  }
}

async function listExecutions(remote: Remote, limit: number, io: Io): Promise<number> {
  const list = await remote.admin.listExecutions({
    id: { project: remote.project, domain: remote.domain },
    limit,
    sortBy: { key: "created_at", direction: Sort_Direction.DESCENDING },
  });
  const rows = list.executions.map((e) => [
    e.id?.name ?? "",
    e.spec?.launchPlan?.name ?? "",
    phaseName(e.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED),
    timeText(e.closure?.startedAt),
    durationText(e.closure?.duration),
  ]);
  io.stdout.write(`${table(["NAME", "LAUNCH PLAN", "PHASE", "STARTED", "DURATION"], rows)}\n`);
  return 0;
}

async function showExecution(remote: Remote, name: string, json: boolean, files: readonly string[], io: Io): Promise<number> {
  const execution = await getExecution(remote, name);
  const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
  const entity = files.length > 0 ? await entityOf(files, execution) : undefined;
  const outputs = phase === WorkflowExecution_Phase.SUCCEEDED ? literalMapToJson(await executionOutputs(remote, execution), entity) : undefined;
  const error = executionError(execution);
  if (json) {
    io.stdout.write(`${JSON.stringify({ phase: phaseName(phase), ...(outputs !== undefined ? { outputs } : {}), ...(error !== undefined ? { error: errorJson(error) } : {}) })}\n`);
    return 0;
  }
  const lines = [
    `execution    ${name}`,
    `launch plan  ${execution.spec?.launchPlan?.name ?? "-"}:${execution.spec?.launchPlan?.version ?? "-"}`,
    `phase        ${phaseName(phase)}`,
    `started      ${timeText(execution.closure?.startedAt)}`,
    `duration     ${durationText(execution.closure?.duration)}`,
  ];
  if (outputs !== undefined) lines.push(`outputs      ${JSON.stringify(outputs)}`);
  if (error !== undefined) lines.push(`error        ${error.code}: ${error.message}`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

/** The entity of `files` the execution ran (by launch plan or task name). */
async function entityOf(files: readonly string[], execution: Execution): Promise<CallableEntity | undefined> {
  const wanted = execution.spec?.launchPlan?.name;
  const entities = await loadEntities(files);
  return entities.find((e) => e.definition.name === wanted)?.definition;
}

async function showNodes(remote: Remote, name: string, io: Io): Promise<number> {
  await getExecution(remote, name);
  const list = await remote.admin.listNodeExecutions({ workflowExecutionId: executionIdOf(remote, name), limit: 10_000 });
  const rows = list.nodeExecutions.map((n) => {
    const result = n.closure?.outputResult;
    return [
      n.id?.nodeId ?? "",
      nodePhaseName(n.closure?.phase ?? 0),
      timeText(n.closure?.startedAt),
      durationText(n.closure?.duration),
      result?.case === "error" ? `${result.value.code}: ${result.value.message}`.split("\n")[0]! : "",
    ];
  });
  io.stdout.write(`${table(["NODE", "PHASE", "STARTED", "DURATION", "ERROR"], rows)}\n`);
  return 0;
}

async function showLogs(remote: Remote, name: string, node: string | undefined, io: Io): Promise<number> {
  await getExecution(remote, name);
  const list = await remote.admin.listNodeExecutions({ workflowExecutionId: executionIdOf(remote, name), limit: 10_000 });
  const nodes = list.nodeExecutions.filter((n) => node === undefined || n.id?.nodeId === node);
  if (node !== undefined && nodes.length === 0) {
    const known = list.nodeExecutions.map((n) => n.id?.nodeId).join(", ") || "none";
    throw new Error(`execution '${name}' has no node '${node}' (its nodes: ${known})`);
  }
  let printed = 0;
  for (const n of nodes) {
    const attempts = await remote.admin.listTaskExecutions({ nodeExecutionId: n.id!, limit: 1000 });
    for (const attempt of attempts.taskExecutions) {
      for (const log of attempt.closure?.logs ?? []) {
        const url = new URL(log.uri, remote.endpoint).href;
        const res = await fetch(url).catch((err: unknown) => {
          throw new Error(`could not fetch the log ${url}: ${err instanceof Error ? err.message : String(err)}`);
        });
        const text = res.ok ? await res.text() : `(log unavailable: HTTP ${res.status})\n`;
        io.stdout.write(`--- ${n.id?.nodeId ?? "?"} attempt ${(attempt.id?.retryAttempt ?? 0) + 1}${log.name !== "" ? ` (${log.name})` : ""} ---\n`);
        io.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
        printed++;
      }
    }
  }
  if (printed === 0) io.stderr.write(`flyte: no task logs for execution '${name}'${node !== undefined ? ` node ${node}` : ""}\n`);
  return 0;
}
