/**
 * `--wait` of the commands that start executions (`run --remote`, `relaunch`, `recover`):
 * follow the execution to its end with a progress line on a terminal, then print its outputs
 * (`--json`: only the outputs, keyed by name, as a local `flyte run --json`) or exit 1 with its
 * error.
 */
import { inspect } from "node:util";
import type { Execution } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { NodeExecution_Phase, WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import type { CallableEntity } from "flytekit/internal";
import type { Remote } from "./connection.ts";
import { executionConsoleUrl } from "./console-url.ts";
import { errorJson, executionError, executionOutputs, failureText, phaseName, waitForExecution } from "./executions.ts";
import { resolveOutputs } from "./data-transfer.ts";
import { literalMapToJson } from "./literal-json.ts";
import { mark } from "../timings.ts";

/** Streams a following command writes to. */
export interface FollowIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** How to print the outcome. */
export interface FollowOptions {
  readonly json: boolean;
  /** The entity that ran, when loaded: outputs are then its native values. */
  readonly entity?: CallableEntity | undefined;
}

/** Prints the execution's name, or waits for it and prints its outcome; returns the exit code. */
export async function startedExecution(remote: Remote, name: string, wait: boolean, options: FollowOptions, io: FollowIo): Promise<number> {
  // As pyflyte does: where to watch it in the browser (stderr, so stdout stays the name or the outputs).
  const url = executionConsoleUrl(remote.endpoint, remote.project, remote.domain, name);
  if (!options.json && url !== undefined) io.stderr.write(`flyte: Go to ${url} to see execution in the console.\n`);
  if (!wait) {
    io.stdout.write(options.json ? `${JSON.stringify({ name })}\n` : `${name}\n`);
    return 0;
  }
  return followExecution(remote, name, options, io);
}

/** Waits for execution `name` to end and prints its outputs or its error; returns the exit code. */
export async function followExecution(remote: Remote, name: string, options: FollowOptions, io: FollowIo): Promise<number> {
  if (!options.json) io.stderr.write(`flyte: execution ${name} started on ${remote.endpoint}\n`);
  const progress = io.stderr.isTTY === true ? progressLine(remote, io.stderr) : undefined;
  let execution: Execution;
  try {
    execution = await waitForExecution(remote, name, progress);
  } finally {
    if (progress !== undefined) io.stderr.write("\r\x1b[K");
  }
  mark("wait");
  if (execution.closure?.phase !== WorkflowExecution_Phase.SUCCEEDED) {
    io.stderr.write(`flyte: ${failureText(execution)}\n`);
    const error = executionError(execution);
    if (options.json && error !== undefined) {
      const { code, message } = errorJson(error);
      io.stdout.write(`${JSON.stringify({ phase: phaseName(execution.closure?.phase ?? 0), error: { code, message } })}\n`);
    }
    return 1;
  }
  const outputs = literalMapToJson(await resolveOutputs(await executionOutputs(remote, execution)), options.entity);
  mark("outputs");
  io.stdout.write(options.json ? `${JSON.stringify(outputs)}\n` : `${name} SUCCEEDED ${inspect(outputs, { depth: 6, colors: io.stdout.isTTY === true })}\n`);
  return 0;
}

/** Draws `execution NAME: RUNNING, 3/5 nodes done` on a terminal while waiting. */
function progressLine(remote: Remote, stream: NodeJS.WritableStream): (e: Execution) => Promise<void> {
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
