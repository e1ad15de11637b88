/**
 * Gate signals on the command line: `--signal name=value` (repeatable), parsed by the gate's
 * type (approvals take yes/no), and the terminal prompt used when a gate has no value and stdin
 * is a terminal.
 */
import { describeType, gatesOf, literalTypeOf, type CallableEntity, type GateInfo, type SignalPrompt } from "flytekit/internal/local";
import { UsageError } from "./args.ts";
import { parseInputValue } from "./input-parse.ts";
import { toJsonValue } from "./json-value.ts";

/** The option that carries signals; it is not an input of the entity. */
export const SIGNAL_OPTION = "signal";

/**
 * Removes the `--signal` values from `options` and parses them by the gates of `entity`.
 *
 * @throws UsageError for a malformed pair, an unknown gate or a value of the wrong type.
 */
export function takeSignals(entity: CallableEntity, options: Map<string, string[]>): Record<string, unknown> {
  const given = options.get(SIGNAL_OPTION) ?? [];
  options.delete(SIGNAL_OPTION);
  if (given.length === 0) return {};
  const gates = gatesOf(entity);
  const signals: Record<string, unknown> = {};
  for (const pair of given) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--signal takes NAME=VALUE, got '${pair}'`);
    const name = pair.slice(0, eq);
    const gate = gates.get(name);
    if (gate === undefined) {
      const known = [...gates.keys()].join(", ") || "none";
      throw new UsageError(`${entity.kind} '${entity.name}' has no gate named '${name}'; its gates are: ${known}`);
    }
    signals[name] = parseSignalValue(gate, pair.slice(eq + 1));
  }
  return signals;
}

/** Parses the text given for `gate`: yes/no for approvals, the gate's type otherwise. */
export function parseSignalValue(gate: GateInfo, text: string): unknown {
  if (gate.kind === "approve") {
    const answer = text.trim().toLowerCase();
    if (["y", "yes", "true", "approve"].includes(answer)) return true;
    if (["n", "no", "false", "reject"].includes(answer)) return false;
    throw new UsageError(`the answer to approval gate '${gate.name}' must be yes or no, got '${text}'`);
  }
  return parseInputValue(`signal ${gate.name}`, text, literalTypeOf(gate.schema));
}

/** Asks on the terminal; wrong answers are asked again. */
export function terminalPrompt(input: NodeJS.ReadStream, output: NodeJS.WriteStream): SignalPrompt {
  return async (gate, request) => {
    // node:readline loads only when a gate asks on the terminal.
    const rl = process.getBuiltinModule("node:readline/promises").createInterface({ input, output });
    try {
      const question =
        gate.kind === "approve"
          ? `[approval gate '${gate.name}', node ${request.nodeId}] approve ${JSON.stringify(toJsonValue(request.value))}? [y/n] `
          : `[signal gate '${gate.name}', node ${request.nodeId}] value (${describeType(literalTypeOf(gate.schema))}): `;
      for (;;) {
        const answer = await rl.question(question, { signal: request.signal });
        try {
          return parseSignalValue(gate, answer);
        } catch (error) {
          output.write(`${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
    } finally {
      rl.close();
    }
  };
}
