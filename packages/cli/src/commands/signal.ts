/**
 * `flyte signal NAME --execution E --value V`: gives a waiting gate (waitForInput, approve) of a
 * remote execution its value, parsed by the signal's type.
 */
import { parseArgs, UsageError } from "../args.ts";
import { parseInputValue } from "../input-parse.ts";
import { checkOptions, connect, remoteTargetOf, REMOTE_OPTIONS_USAGE } from "../remote/connection.ts";
import { executionIdOf, getExecution } from "../remote/executions.ts";
import { literalOf } from "../remote/native-literal.ts";
import { describeType } from "flytekit/internal";

/** Usage text of `flyte signal`. */
export const SIGNAL_USAGE = `usage: flyte signal NAME --execution E --value V [--endpoint URL] [--project P] [--domain D]

Sets signal NAME of execution E (a waitForInput gate's input, or an approve gate: yes/no).
V is parsed by the signal's type: numbers, true/false, ISO dates, durations, JSON for lists,
maps and objects.

${REMOTE_OPTIONS_USAGE}`;

/** Runs the command; returns the exit code. */
export async function signalCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const args = parseArgs(argv, new Set(["help"]));
  if (args.flags.has("help")) {
    io.stdout.write(`${SIGNAL_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = args.positionals;
  if (name === undefined || extra.length > 0) throw new UsageError("flyte signal needs exactly one signal NAME");
  checkOptions(args.options, ["execution", "value"]);
  const execution = args.options.get("execution")?.at(-1);
  const text = args.options.get("value")?.at(-1);
  if (execution === undefined) throw new UsageError("flyte signal needs --execution E");
  if (text === undefined) throw new UsageError("flyte signal needs --value V");
  const remote = connect(remoteTargetOf(args.options));
  await getExecution(remote, execution); // NOT_FOUND names the execution
  const list = await remote.signals.listSignals({ workflowExecutionId: executionIdOf(remote, execution), limit: 1000 });
  const signal = list.signals.find((s) => s.id?.signalId === name);
  if (signal?.type === undefined) {
    const known = list.signals.map((s) => s.id?.signalId).join(", ") || "none yet";
    throw new Error(`execution '${execution}' has no signal '${name}' (its signals: ${known})`);
  }
  // Approve gates answer yes/no; everything else is parsed by the signal's type.
  const approval = { yes: "true", no: "false" }[text.toLowerCase()] ?? text;
  const native = parseInputValue(name, approval, signal.type);
  let value;
  try {
    value = literalOf(native, signal.type);
  } catch (err) {
    throw new UsageError(`--value for signal '${name}' (${describeType(signal.type)}): ${err instanceof Error ? err.message : String(err)}`);
  }
  await remote.signals.setSignal({ id: { signalId: name, executionId: executionIdOf(remote, execution) }, value });
  io.stdout.write(`signal ${name} of ${execution} set to ${text}\n`);
  return 0;
}
