/**
 * `flyte run --remote FILE ENTITY --input value ...`: registers the file's code (fast
 * registration, derived version), starts an execution of the entity on the server and prints its
 * name; `--wait` follows it to the end, `--wait --json` prints the outputs as local runs do.
 */
import { userInfo } from "node:os";
import { inspect } from "node:util";
import { ExecutionMetadata_ExecutionMode } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { findEntity, transformerFor, type CallableEntity } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE, type Remote } from "../remote/connection.ts";
import { executionError, executionOutputs, failureText, phaseName, waitForExecution } from "../remote/executions.ts";
import { literalMapToJson } from "../remote/literal-json.ts";
import { registerFiles } from "../remote/registration.ts";
import { parseInputs } from "./run.ts";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";

/** Usage text of `flyte run --remote`. */
export const REMOTE_RUN_USAGE = `usage: flyte run --remote FILE ENTITY [--INPUT VALUE ...] [--wait] [--json]
       [--name NAME] [--version V] [--endpoint URL] [--project P] [--domain D]

Registers FILE's tasks, workflows and launch plans on the server (code bundled and uploaded, the
version derived from it unless --version is given), starts an execution of ENTITY (a workflow's
default launch plan, a launch plan, or a single task) and prints its name.

options:
  --wait           follow the execution to its end; exit 1 with its error if it fails
  --json           print {"name": ...}; with --wait, only the outputs keyed by name
  --name NAME      the execution's name (default: chosen by the server)
  --version V      version to register under (default: derived from the code)
${REMOTE_OPTIONS_USAGE}`;

const OWN_OPTIONS = ["name", "version"];

/** Runs the command; returns the exit code. */
export async function remoteRunCommand(argv: readonly string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["json", "help", "wait"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${REMOTE_RUN_USAGE}\n`);
    return 0;
  }
  const [file, entityName, ...extra] = args.positionals;
  if (file === undefined || entityName === undefined) throw new UsageError("flyte run --remote needs FILE and ENTITY");
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const remote = connect(remoteTargetOf(args.options));
  const own = new Map([...args.options].filter(([k]) => OWN_OPTIONS.includes(k) || k === "endpoint" || k === "project" || k === "domain"));
  checkOptions(own, OWN_OPTIONS);
  const inputOptions = new Map([...args.options].filter(([k]) => !own.has(k)));
  const version = args.options.get("version")?.at(-1);

  const registration = await registerFiles(remote, [file], version !== undefined ? { version } : {});
  const entity = findEntity(registration.entities, entityName, [file]).definition;
  const inputs = inputLiterals(entity, parseInputs(entity, inputOptions));
  const name = await createExecution(remote, entity, registration.version, inputs, args.options.get("name")?.at(-1) ?? "");
  const json = args.flags.has("json");
  if (!args.flags.has("wait")) {
    io.stdout.write(json ? `${JSON.stringify({ name })}\n` : `${name}\n`);
    return 0;
  }
  if (!json) io.stderr.write(`flyte: execution ${name} started on ${remote.endpoint}\n`);
  const progress = io.stderr.isTTY ? progressLine(remote, io.stderr) : undefined;
  let execution: Execution;
  try {
    execution = await waitForExecution(remote, name, progress);
  } finally {
    if (progress !== undefined) io.stderr.write("\r\x1b[K");
  }
  if (execution.closure?.phase !== WorkflowExecution_Phase.SUCCEEDED) {
    io.stderr.write(`flyte: ${failureText(execution)}\n`);
    const error = executionError(execution);
    if (json && error !== undefined) io.stdout.write(`${JSON.stringify({ phase: phaseName(execution.closure?.phase ?? 0), error: { code: error.code, message: error.message } })}\n`);
    return 1;
  }
  const outputs = literalMapToJson(await executionOutputs(remote, execution), entity);
  io.stdout.write(json ? `${JSON.stringify(outputs)}\n` : `${name} SUCCEEDED ${inspect(outputs, { depth: 6, colors: io.stdout.isTTY })}\n`);
  return 0;
}

/** Given inputs as literals; for tasks (no launch plan to hold defaults) also their defaults. */
function inputLiterals(entity: CallableEntity, natives: Record<string, unknown>): LiteralMap {
  const literals: LiteralMap["literals"] = {};
  for (const name of entity.signature.inputNames) {
    const schema = entity.signature.inputs[name]!;
    const context = { entity: entity.name, side: "input" as const, variable: name };
    let value = natives[name];
    if (!(name in natives)) {
      if (entity.kind !== "task") continue;
      const fallback = schema.safeParse(undefined);
      if (!fallback.success) continue; // the server names the missing input
      value = fallback.data;
    }
    literals[name] = transformerFor(schema, context).toLiteral(value, context);
  }
  return { $typeName: "flyteidl.core.LiteralMap", literals };
}

async function createExecution(remote: Remote, entity: CallableEntity, version: string, inputs: LiteralMap, name: string): Promise<string> {
  // Workflows run through their default launch plan (same name); tasks as single-task executions.
  const resourceType = entity.kind === "task" ? ResourceType.TASK : entity.kind === "workflow" || entity.kind === "launchPlan" ? ResourceType.LAUNCH_PLAN : undefined;
  if (resourceType === undefined) throw new UsageError(`${entity.kind} '${entity.name}' cannot be run on its own; run a task, workflow or launch plan`);
  const res = await remote.admin.createExecution({
    project: remote.project,
    domain: remote.domain,
    name,
    spec: {
      launchPlan: { resourceType, project: remote.project, domain: remote.domain, name: entity.name, version },
      metadata: { mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: safeUser() },
    },
    inputs,
  });
  return res.id?.name ?? name;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "flyte";
  }
}

/** Draws `execution NAME: RUNNING, 3/5 nodes done` on a terminal while waiting. */
function progressLine(remote: Remote, stream: NodeJS.WriteStream): (e: Execution) => Promise<void> {
  return async (execution) => {
    let nodes = "";
    try {
      const list = await remote.admin.listNodeExecutions({ workflowExecutionId: execution.id!, limit: 1000 });
      const real = list.nodeExecutions.filter((n) => !["start-node", "end-node"].includes(n.id?.nodeId ?? ""));
      const done = real.filter((n) => n.closure?.phase === NodeExecution_Phase.SUCCEEDED).length;
      nodes = `, ${done}/${real.length} nodes done`;
    } catch {
      // Progress is a nicety; the phase alone will do.
    }
    stream.write(`\r\x1b[Kexecution ${execution.id?.name ?? ""}: ${phaseName(execution.closure?.phase ?? 0)}${nodes}`);
  };
}
