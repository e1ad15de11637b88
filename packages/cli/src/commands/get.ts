/**
 * `flyte get executions | execution NAME | nodes NAME | logs NAME | tasks | workflows |
 * launchplans`: what the server knows about executions, their nodes, the logs of their task
 * attempts, and registered entities.
 */
import { Sort_Direction } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { loadEntities, type CallableEntity } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE, type Remote } from "../remote/connection.ts";
import { durationText, errorJson, executionError, executionOutputs, getExecution, phaseName, table, timeText } from "../remote/executions.ts";
import { literalMapToJson } from "../remote/literal-json.ts";
import { isEntityKind, showEntities } from "./get-entities.ts";
import { downloadOutputs, resolveOutputs } from "../remote/data-transfer.ts";
import { showLogs, showNodes } from "./get-nodes.ts";

/** Usage text of `flyte get`. */
export const GET_USAGE = `usage: flyte get executions [--limit N]
       flyte get execution NAME [--json] [--file FILE] [--download DIR]
       flyte get nodes NAME [--json]
       flyte get logs NAME [--node ID] [--follow]
       flyte get tasks | workflows | launchplans [NAME] [--json]
       (all: [--endpoint URL] [--project P] [--domain D] [--config FILE])

  executions        the latest executions: name, launch plan, phase, start, duration
  execution NAME    one execution's phase, outputs and error; --json prints
                    {"phase", "outputs", "error"?}, outputs as the values the entity returns
                    when --file FILE defines it, else as a JSON rendering of Flyte literals
                    (files, directories and dataframes as their URIs); --download DIR
                    copies file, directory and dataframe outputs to DIR/<output>/...
  nodes NAME        the execution's nodes and their phases, nested nodes (sub-workflow,
                    branch, map item, dynamic and eager children) indented under their parent;
                    --json: [{id, parent, depth, phase, attempts, error?}]
  logs NAME         what the task attempts printed, under '--- NODE attempt N/TOTAL ---'
                    (N counts from 1); --node ID: that node and the nodes under it (nested
                    ids such as n1-0-n0 or n0-e1, as 'get nodes' shows them); --follow: keep
                    printing as attempts log, until the execution ends (exit 1 unless it
                    succeeded)
  tasks [NAME]      registered tasks: each name's latest version and number of versions; with
                    NAME, its versions, newest first (--json for JSON)
  workflows [NAME]  the same for workflows
  launchplans [NAME]
                    the same for launch plans, with the active version and the schedule
${REMOTE_OPTIONS_USAGE}`;

const WHAT = "executions, execution, nodes, logs, tasks, workflows or launchplans";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Runs the command; returns the exit code. */
export async function getCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, new Set(["help", "json", "follow"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${GET_USAGE}\n`);
    return 0;
  }
  const [what, name, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  if (args.flags.has("follow") && what !== "logs") throw new UsageError("--follow is an option of 'flyte get logs NAME'");
  const remote = connect(remoteTargetOf(args.options));
  if (isEntityKind(what)) {
    checkOptions(args.options, []);
    return showEntities(remote, what, name, args.flags.has("json"), io);
  }
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
      checkOptions(args.options, ["file", "download"]);
      return showExecution(remote, needName(), args.flags.has("json"), args.options.get("file") ?? [], io, args.options.get("download")?.at(-1));
    case "nodes":
      checkOptions(args.options, []);
      return showNodes(remote, needName(), args.flags.has("json"), io);
    case "logs":
      checkOptions(args.options, ["node"]);
      return showLogs(remote, needName(), { node: args.options.get("node")?.at(-1), follow: args.flags.has("follow") }, io);
    case undefined:
      throw new UsageError(`flyte get needs what to get: ${WHAT}`);
    default:
      throw new UsageError(`flyte get cannot get '${what}'; use ${WHAT}`);
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

async function showExecution(remote: Remote, name: string, json: boolean, files: readonly string[], io: Io, download?: string): Promise<number> {
  const execution = await getExecution(remote, name);
  const phase = execution.closure?.phase ?? WorkflowExecution_Phase.UNDEFINED;
  const entity = files.length > 0 ? await entityOf(files, execution) : undefined;
  const literals = phase === WorkflowExecution_Phase.SUCCEEDED ? await resolveOutputs(await executionOutputs(remote, execution)) : undefined;
  const outputs = literals !== undefined ? literalMapToJson(literals, entity) : undefined;
  if (download !== undefined) {
    if (literals === undefined) throw new UsageError(`execution ${name} has no outputs to download (phase ${phaseName(phase)})`);
    const written = await downloadOutputs(literals, download);
    // Paths go to stderr so that --json output stays one JSON document.
    for (const path of written) io.stderr.write(`downloaded ${path}\n`);
  }
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
