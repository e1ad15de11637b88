/**
 * A small argv parser: positionals, `--name value`, `--name=value`, and boolean flags.
 * Each command declares which options are flags; everything else takes a value.
 */

/** Parsed arguments. Options keep every value given, in order. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
}

/** Thrown for malformed command lines; the CLI prints it with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `argv`; `flagNames` never take a value. Arguments after a lone `--` are positionals. */
export function parseArgs(argv: readonly string[], flagNames: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg.length === 2) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (flagNames.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} is a flag and takes no value`);
      flags.add(name);
      continue;
    }
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    const list = options.get(name) ?? [];
    list.push(value);
    options.set(name, list);
  }
  return { positionals, options, flags };
}
