/**
 * `flyte run --remote FILE ENTITY --input value ...`: checks the inputs and the execution name,
 * registers the file's code (fast registration, derived version), starts an execution of the
 * entity on the server and prints its name; `--wait` follows it to the end, `--wait --json`
 * prints the outputs as local runs do. `--launch-plan NAME` runs a registered launch plan
 * without any source (remote/launch-plan-run.ts).
 */
import { userInfo } from "node:os";
import { ExecutionMetadata_ExecutionMode } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { uploadDataInputs, uploadInputs } from "../remote/data-transfer.ts";
import { findEntity, loadEntities, transformerFor, type CallableEntity } from "flytekit/internal";
import { parseArgs, UsageError } from "../args.ts";
import { connect, remoteTargetOf, REMOTE_OPTIONS, REMOTE_OPTIONS_USAGE, type Remote } from "../remote/connection.ts";
import { checkExecutionName } from "../remote/execution-name.ts";
import { startedExecution } from "../remote/follow.ts";
import { fetchLaunchPlan, launchPlanHelp, launchPlanInputLiterals } from "../remote/launch-plan-run.ts";
import { registerFiles } from "../remote/registration.ts";
import { mark } from "../timings.ts";
import { helpText, parseInputs } from "./run.ts";

/** Usage text of `flyte run --remote`. */
export const REMOTE_RUN_USAGE = `usage: flyte run --remote FILE ENTITY [--INPUT VALUE ...] [--wait] [--json]
       [--name NAME] [--version V] [--endpoint URL] [--project P] [--domain D] [--config FILE]
       flyte run --remote --launch-plan NAME [--version V] [--INPUT VALUE ...] [--wait] [--json]
       [--name NAME] [--endpoint URL] [--project P] [--domain D] [--config FILE]

Registers FILE's tasks, workflows and launch plans on the server (code bundled and uploaded, the
version derived from it unless --version is given), starts an execution of ENTITY (a workflow's
default launch plan, a launch plan, or a single task) and prints its name. Inputs and --name are
checked before anything is bundled or sent. A file, folder or dataframe input takes a local path
(uploaded to the server's store by content) or a URI of that store; lists and maps of them take
JSON ('["a.csv","b.csv"]').

With --launch-plan NAME, runs a launch plan registered on the server, without any source: its
version V, else its active version, else its latest; inputs are parsed by its registered
interface. 'flyte run --remote --launch-plan NAME --help' lists them.

options:
  --wait           follow the execution to its end; exit 1 with its error if it fails
  --json           print {"name": ...}; with --wait, only the outputs keyed by name
  --name NAME      the execution's name (default: chosen by the server); lower-case letters,
                   digits and '-', starting with a letter, at most 63 characters
  --version V      version to register under (default: derived from the code); with
                   --launch-plan, the version to run
  --launch-plan N  run registered launch plan N instead of a file's entity
${REMOTE_OPTIONS_USAGE}`;

const OWN_OPTIONS = ["name", "version", "launch-plan", ...REMOTE_OPTIONS];

type Io = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };

/** Runs the command; returns the exit code. */
export async function remoteRunCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, new Set(["json", "help", "wait"]));
  const own = new Map([...args.options].filter(([k]) => OWN_OPTIONS.includes(k)));
  const inputOptions = new Map([...args.options].filter(([k]) => !own.has(k)));
  const launchPlan = args.options.get("launch-plan")?.at(-1);
  const version = args.options.get("version")?.at(-1);
  const executionName = args.options.get("name")?.at(-1);
  if (launchPlan !== undefined) {
    if (args.positionals.length > 0) throw new UsageError(`--launch-plan runs a registered launch plan and takes no FILE or ENTITY (got: ${args.positionals.join(" ")})`);
    if (executionName !== undefined) checkExecutionName(executionName);
    const remote = connect(remoteTargetOf(own));
    const lp = await fetchLaunchPlan(remote, launchPlan, version);
    if (args.flags.has("help")) {
      io.stdout.write(`${launchPlanHelp(lp)}\n`);
      return 0;
    }
    const inputs = await launchPlanInputLiterals(lp, inputOptions, (values, types) => uploadDataInputs(`launch plan '${launchPlan}'`, values, types, remote));
    const name = await createExecution(remote, lp.id!, inputs, executionName ?? "");
    return startedExecution(remote, name, args.flags.has("wait"), { json: args.flags.has("json") }, io);
  }
  const [file, entityName, ...extra] = args.positionals;
  if (args.flags.has("help")) {
    io.stdout.write(`${await helpText("flyte run --remote", REMOTE_RUN_USAGE, file, entityName)}\n`);
    return 0;
  }
  if (file === undefined) throw new UsageError("flyte run --remote needs FILE and ENTITY, or --launch-plan NAME; 'flyte run --remote --help' shows how");
  if (entityName === undefined) throw new UsageError(`flyte run --remote needs the ENTITY of ${file} to run; 'flyte run --remote ${file} --help' lists them`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  // Everything the command line says is checked before bundling, uploading or reaching the server.
  if (executionName !== undefined) checkExecutionName(executionName);
  if (version !== undefined && !/^[A-Za-z0-9_.-]+$/.test(version)) throw new UsageError(`--version may only use letters, digits, '.', '_' and '-' (got '${version}')`);
  const target = remoteTargetOf(own);
  const loaded = findEntity(await loadEntities([file]), entityName, [file]);
  mark("load code");
  const natives = parseInputs(loaded.definition, inputOptions, `flyte run --remote ${file} ${entityName} --help`);
  if (!["task", "workflow", "launchPlan"].includes(loaded.definition.kind)) {
    throw new UsageError(`${loaded.definition.kind} '${loaded.definition.name}' cannot be run on its own; run a task, workflow or launch plan`);
  }
  inputLiterals(loaded.definition, natives); // checks the values before anything is uploaded

  const remote = connect(target);
  // Local files and folders go to the server's store first; the execution gets their URIs.
  const inputs = await uploadInputs(loaded.definition, natives, (n) => inputLiterals(loaded.definition, n), target.endpoint, remote.project, remote.domain);
  const registration = await registerFiles(remote, [file], version !== undefined ? { version } : {});
  const entity = findEntity(registration.entities, entityName, [file]).definition;
  // Workflows run through their default launch plan (same name); tasks as single-task executions.
  const resourceType = entity.kind === "task" ? ResourceType.TASK : ResourceType.LAUNCH_PLAN;
  const id = { resourceType, project: remote.project, domain: remote.domain, name: entity.name, version: registration.version };
  const name = await createExecution(remote, id, inputs, executionName ?? "");
  mark("create execution");
  return startedExecution(remote, name, args.flags.has("wait"), { json: args.flags.has("json"), entity }, io);
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

/** What an execution launches: a launch plan (or a task) version. */
interface LaunchTarget {
  readonly resourceType: ResourceType;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

async function createExecution(remote: Remote, launchPlan: LaunchTarget, inputs: LiteralMap, name: string): Promise<string> {
  const res = await remote.admin.createExecution({
    project: remote.project,
    domain: remote.domain,
    name,
    spec: { launchPlan, metadata: { mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: safeUser() } },
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
