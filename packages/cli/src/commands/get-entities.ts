/**
 * `flyte get tasks | workflows | launchplans [NAME] [--json]`: the registered names with their
 * latest version and number of versions, or one name's versions, newest first. Launch plans also
 * show which version is active and their schedule.
 */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { Sort_Direction } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { LaunchPlanState, type LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { FixedRateUnit, type Schedule } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import type { Remote } from "../remote/connection.ts";
import { table, timeText } from "../remote/executions.ts";

/** Entity kinds `flyte get` lists, by the word used on the command line. */
export const ENTITY_KINDS = { tasks: "task", workflows: "workflow", launchplans: "launch plan" } as const;
type KindWord = keyof typeof ENTITY_KINDS;

/** One registered version, as printed. */
interface VersionRow {
  readonly name: string;
  readonly version: string;
  readonly createdAt: Timestamp | undefined;
  /** Launch plans only. */
  readonly active?: boolean;
  readonly schedule?: string;
}

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Whether `word` names an entity kind `flyte get` lists. */
export function isEntityKind(word: string | undefined): word is KindWord {
  return word !== undefined && Object.hasOwn(ENTITY_KINDS, word);
}

/** Prints the names of `kind` (or the versions of `name`); returns the exit code. */
export async function showEntities(remote: Remote, kind: KindWord, name: string | undefined, json: boolean, io: Io): Promise<number> {
  const rows = await listVersions(remote, kind, name);
  const isLp = kind === "launchplans";
  if (name !== undefined) {
    if (rows.length === 0) {
      throw new Error(`no ${ENTITY_KINDS[kind]} named '${name}' is registered in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}; 'flyte get ${kind}' lists them`);
    }
    if (json) {
      io.stdout.write(`${JSON.stringify(rows.map((r) => ({ version: r.version, createdAt: timeIso(r.createdAt), ...(isLp ? { active: r.active, schedule: r.schedule ?? null } : {}) })))}\n`);
      return 0;
    }
    const header = isLp ? ["VERSION", "CREATED", "STATE", "SCHEDULE"] : ["VERSION", "CREATED"];
    const lines = rows.map((r) => [r.version, timeText(r.createdAt), ...(isLp ? [r.active === true ? "ACTIVE" : "INACTIVE", r.schedule ?? "-"] : [])]);
    io.stdout.write(`${table(header, lines)}\n`);
    return 0;
  }
  // Rows come newest first, so the first row of a name is its latest version.
  const byName = new Map<string, { latest: VersionRow; count: number; active?: VersionRow }>();
  for (const row of rows) {
    const entry = byName.get(row.name) ?? { latest: row, count: 0 };
    entry.count++;
    if (row.active === true) entry.active = row;
    byName.set(row.name, entry);
  }
  const names = [...byName.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (json) {
    const out = names.map(([n, e]) => ({
      name: n,
      latestVersion: e.latest.version,
      versions: e.count,
      createdAt: timeIso(e.latest.createdAt),
      ...(isLp ? { activeVersion: e.active?.version ?? null, schedule: (e.active ?? e.latest).schedule ?? null } : {}),
    }));
    io.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  if (names.length === 0) {
    io.stderr.write(`flyte: no ${kind} registered in project ${remote.project}, domain ${remote.domain} on ${remote.endpoint}\n`);
    return 0;
  }
  const header = isLp ? ["NAME", "LATEST VERSION", "VERSIONS", "CREATED", "ACTIVE VERSION", "SCHEDULE"] : ["NAME", "LATEST VERSION", "VERSIONS", "CREATED"];
  const lines = names.map(([n, e]) => [
    n,
    e.latest.version,
    String(e.count),
    timeText(e.latest.createdAt),
    ...(isLp ? [e.active?.version ?? "-", (e.active ?? e.latest).schedule ?? "-"] : []),
  ]);
  io.stdout.write(`${table(header, lines)}\n`);
  return 0;
}

/** Every version of `kind` in the project and domain (of `name` only, when given), newest first. */
async function listVersions(remote: Remote, kind: KindWord, name: string | undefined): Promise<VersionRow[]> {
  const rows: VersionRow[] = [];
  const request = (token: string) => ({
    id: { project: remote.project, domain: remote.domain, ...(name !== undefined ? { name } : {}) },
    limit: 1000,
    token,
    sortBy: { key: "created_at", direction: Sort_Direction.DESCENDING },
  });
  let token = "";
  do {
    switch (kind) {
      case "tasks": {
        const page = await remote.admin.listTasks(request(token));
        rows.push(...page.tasks.map((t) => ({ name: t.id?.name ?? "", version: t.id?.version ?? "", createdAt: t.closure?.createdAt })));
        token = page.token;
        break;
      }
      case "workflows": {
        const page = await remote.admin.listWorkflows(request(token));
        rows.push(...page.workflows.map((w) => ({ name: w.id?.name ?? "", version: w.id?.version ?? "", createdAt: w.closure?.createdAt })));
        token = page.token;
        break;
      }
      case "launchplans": {
        const page = await remote.admin.listLaunchPlans(request(token));
        rows.push(...page.launchPlans.map(launchPlanRow));
        token = page.token;
        break;
      }
    }
  } while (token !== "");
  return rows;
}

function launchPlanRow(lp: LaunchPlan): VersionRow {
  const schedule = lp.spec?.entityMetadata?.schedule;
  return {
    name: lp.id?.name ?? "",
    version: lp.id?.version ?? "",
    createdAt: lp.closure?.createdAt,
    active: lp.closure?.state === LaunchPlanState.ACTIVE,
    ...(schedule !== undefined ? { schedule: scheduleText(schedule) } : {}),
  };
}

/** `cron 0 * * * *`, `every 5 minutes`, with the kickoff input when there is one. */
export function scheduleText(schedule: Schedule): string {
  const e = schedule.ScheduleExpression;
  let text: string;
  switch (e.case) {
    case "cronSchedule":
      text = `cron ${e.value.schedule}${e.value.offset !== "" ? ` offset ${e.value.offset}` : ""}`;
      break;
    case "cronExpression":
      text = `cron ${e.value}`;
      break;
    case "rate": {
      const unit = (FixedRateUnit[e.value.unit] ?? "MINUTE").toLowerCase();
      text = `every ${e.value.value} ${unit}${e.value.value === 1 ? "" : "s"}`;
      break;
    }
    default:
      return "-";
  }
  return schedule.kickoffTimeInputArg !== "" ? `${text} (kickoff ${schedule.kickoffTimeInputArg})` : text;
}

function timeIso(ts: Timestamp | undefined): string | null {
  return ts === undefined ? null : timeText(ts).replace(" ", "T") + "Z";
}
