/**
 * `flyte run --remote --launch-plan NAME [--version V] --input value ...`: runs a registered
 * launch plan without its source. The inputs are parsed by the launch plan's registered
 * interface (its expected inputs: the workflow's inputs with the launch plan's defaults, fixed
 * ones left out); unknown, fixed and missing inputs are refused before the execution is created.
 */
import { Sort_Direction } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import type { LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { UsageError } from "../args.ts";
import { entityHelp, requireInputs, typeText, type InputLine, type OutputLine } from "../entity-help.ts";
import { parseInputValue } from "../input-parse.ts";
import { isNotFound, type Remote } from "./connection.ts";
import { literalToJson } from "@flyte/idl/literal-json";
import { isDataType } from "./data-transfer.ts";
import { literalOf } from "./native-literal.ts";

/**
 * The launch plan `name`: version `version`, else the active version, else the latest one.
 * NOT_FOUND names what was looked for and how to list what exists.
 */
export async function fetchLaunchPlan(remote: Remote, name: string, version: string | undefined): Promise<LaunchPlan> {
  const where = `in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}`;
  if (version !== undefined) {
    try {
      return await remote.admin.getLaunchPlan({ id: { resourceType: ResourceType.LAUNCH_PLAN, project: remote.project, domain: remote.domain, name, version } });
    } catch (err) {
      if (isNotFound(err)) throw new Error(`launch plan '${name}' has no version '${version}' ${where}; 'flyte get launchplans ${name}' lists its versions`, { cause: err });
      throw err;
    }
  }
  try {
    return await remote.admin.getActiveLaunchPlan({ id: { project: remote.project, domain: remote.domain, name } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const latest = await remote.admin.listLaunchPlans({
    id: { project: remote.project, domain: remote.domain, name },
    limit: 1,
    sortBy: { key: "created_at", direction: Sort_Direction.DESCENDING },
  });
  const lp = latest.launchPlans[0];
  if (lp === undefined) throw new Error(`no launch plan named '${name}' is registered ${where}; 'flyte get launchplans' lists them`);
  return lp;
}

/** The launch plan's inputs as help shows them (fixed inputs left out). */
export function launchPlanInputs(lp: LaunchPlan): InputLine[] {
  const fixed = lp.spec?.fixedInputs?.literals ?? {};
  return Object.entries(lp.closure?.expectedInputs?.parameters ?? {})
    .filter(([name]) => !(name in fixed))
    .map(([name, p]) => {
      const type = p.var?.type === undefined ? "?" : typeText(p.var.type);
      const b = p.behavior;
      if (b.case === "default") return { name, type, required: false, default: JSON.stringify(literalToJson(b.value)) };
      // Flyte marks required inputs explicitly; a parameter without a default is required too.
      return { name, type, required: true };
    });
}

/** The launch plan's outputs as help shows them. */
export function launchPlanOutputs(lp: LaunchPlan): OutputLine[] {
  return Object.entries(lp.closure?.expectedOutputs?.variables ?? {}).map(([name, v]) => ({ name, type: v.type === undefined ? "?" : typeText(v.type) }));
}

/** `--help` of a registered launch plan. */
export function launchPlanHelp(lp: LaunchPlan): string {
  const id = lp.id!;
  const fixed = Object.entries(lp.spec?.fixedInputs?.literals ?? {}).map(([n, l]) => `${n}=${JSON.stringify(literalToJson(l))}`);
  const extra = [
    ...(fixed.length > 0 ? [`fixed inputs (not to be given): ${fixed.join(", ")}`] : []),
    "options: --version V, --wait, --json, --name NAME, --endpoint, --project, --domain, --config ('flyte run --remote --help')",
  ];
  return entityHelp(`flyte run --remote --launch-plan ${id.name}`, `launch plan ${id.name} version ${id.version} (${id.project}/${id.domain})`, launchPlanInputs(lp), launchPlanOutputs(lp), extra);
}

/**
 * Uploads local paths given for file, directory and dataframe inputs (by name, with their types)
 * and returns their literals: `uploadDataInputs` of data-transfer.ts, bound to the server.
 */
export type UploadDataInputs = (values: Record<string, unknown>, types: Record<string, LiteralType>) => Promise<Record<string, Literal>>;

/**
 * The inputs given on the command line as literals, checked against the launch plan's interface;
 * file, directory and dataframe inputs (a local path or a URI, and lists and maps of them) go
 * through `uploadData`.
 */
export async function launchPlanInputLiterals(lp: LaunchPlan, options: ReadonlyMap<string, readonly string[]>, uploadData: UploadDataInputs): Promise<LiteralMap> {
  const name = lp.id?.name ?? "?";
  const help = `flyte run --remote --launch-plan ${name} --help`;
  const params = lp.closure?.expectedInputs?.parameters ?? {};
  const fixed = lp.spec?.fixedInputs?.literals ?? {};
  const literals: Record<string, Literal> = {};
  const data: Record<string, unknown> = {};
  const dataTypes: Record<string, LiteralType> = {};
  for (const [input, values] of options) {
    if (input in fixed) {
      throw new UsageError(`input --${input} is fixed by launch plan '${name}' to ${JSON.stringify(literalToJson(fixed[input]))} and cannot be given; run '${help}' for its inputs`);
    }
    const type = params[input]?.var?.type;
    if (type === undefined) {
      const known = launchPlanInputs(lp).map((i) => `--${i.name}`).join(", ") || "none";
      throw new UsageError(`launch plan '${name}' has no input or option --${input} (its inputs: ${known}); run '${help}' for its inputs`);
    }
    if (values.length > 1) throw new UsageError(`--${input} was given ${values.length} times`);
    if (isDataType(type)) {
      // A path or URI; a list or map of them as JSON (`--fs '["a.csv","b.csv"]'`).
      data[input] = parseInputValue(input, values[0]!, type);
      dataTypes[input] = type;
      continue;
    }
    try {
      literals[input] = literalOf(parseInputValue(input, values[0]!, type), type);
    } catch (err) {
      throw new UsageError(`${err instanceof Error ? err.message : String(err)} (--${input}, ${typeText(type)}); run '${help}' for its inputs`);
    }
  }
  requireInputs(launchPlanInputs(lp), new Set([...Object.keys(literals), ...Object.keys(data)]), help);
  // Checked first, uploaded last: a usage error never leaves uploads behind.
  if (Object.keys(data).length > 0) Object.assign(literals, await uploadData(data, dataTypes));
  return { $typeName: "flyteidl.core.LiteralMap", literals };
}
