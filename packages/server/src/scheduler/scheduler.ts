/**
 * The native scheduler (flyte-semantics §6.4): for every ACTIVE launch plan with a schedule (cron
 * or fixed rate), starts executions at the scheduled times, mode SCHEDULED, with the scheduled
 * time in `kickoff_time_input_arg`. Only the active version of a name runs. The last fire time
 * per launch plan name is persisted, and names are derived from the name and scheduled time, so
 * an execution is never started twice for one time, across restarts; times missed while the
 * server was down are caught up on start.
 */
import { createHash } from "node:crypto";
import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ExecutionMetadata_ExecutionMode } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { LaunchPlanSpecSchema, LaunchPlanState } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import { FixedRateUnit, type Schedule } from "@flyte/idl/gen/flyteidl/admin/schedule_pb.js";
import { IdentifierSchema, ResourceType } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import { LiteralMapSchema, LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { Code, ConnectError } from "@connectrpc/connect";
import type { StatementSync } from "node:sqlite";
import type { Database } from "../db/database.ts";
import { groupCommitterFor, type GroupCommitter } from "../db/group-commit.ts";
import { migrate, type Migration } from "../db/migrations.ts";
import { mergeExecutionInputs } from "../executions/execution-inputs.ts";
import type { ExecutionsContext } from "../executions/executions-context.ts";
import { launchTargetOf } from "../executions/launch-targets.ts";
import { emptySpec, startExecution } from "../executions/start-execution.ts";
import { parseCron } from "@flyte/engine";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "schedule fire times",
    sql: `CREATE TABLE schedule_fires (schedule_key TEXT PRIMARY KEY, last_fire_at INTEGER NOT NULL);`,
  },
];

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  /** How often to look for due schedules, in ms; 0: only when `tick` is called. */
  readonly tickMs: number;
  /** The scheduler's clock. @default Date.now */
  readonly now?: () => number;
  /** Most catch-up executions started per schedule per tick. @default 100 */
  readonly maxCatchUp?: number;
}

const RATE_MS: Readonly<Record<FixedRateUnit, number>> = {
  [FixedRateUnit.MINUTE]: 60_000,
  [FixedRateUnit.HOUR]: 3_600_000,
  [FixedRateUnit.DAY]: 86_400_000,
};

/** Fires schedules of active launch plans. */
export class Scheduler {
  readonly #ctx: ExecutionsContext;
  readonly #options: SchedulerOptions;
  readonly #now: () => number;
  readonly #committer: GroupCommitter;
  readonly #sql: Record<"get" | "put", StatementSync>;
  readonly #reported = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<number> | undefined;

  constructor(db: Database, ctx: ExecutionsContext, options: SchedulerOptions) {
    migrate(db, "scheduler", MIGRATIONS);
    this.#ctx = ctx;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#committer = groupCommitterFor(db);
    this.#sql = {
      get: db.sqlite.prepare("SELECT last_fire_at FROM schedule_fires WHERE schedule_key = ?"),
      put: db.sqlite.prepare(
        "INSERT INTO schedule_fires (schedule_key, last_fire_at) VALUES (?, ?) ON CONFLICT (schedule_key) DO UPDATE SET last_fire_at = excluded.last_fire_at",
      ),
    };
  }

  /** Starts ticking (and catches up at once). */
  start(): void {
    if (this.#options.tickMs <= 0 || this.#timer !== undefined) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#options.tickMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fires every due schedule once; resolves with how many executions were started. */
  tick(): Promise<number> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<number> {
    const rows = this.#ctx.registry.listEntities("launchPlan", {
      where: [{ sql: "state = ?", params: [LaunchPlanState.ACTIVE] }],
      orderBy: "created_at",
      ascending: true,
      limit: 100_000,
      offset: 0,
    });
    let started = 0;
    for (const row of rows) {
      const spec = fromBinary(LaunchPlanSpecSchema, row.spec);
      const schedule = spec.entityMetadata?.schedule;
      if (schedule === undefined) continue;
      const key = `${row.project}:${row.domain}:${row.name}`;
      try {
        started += await this.#fireDue(key, row, schedule);
      } catch (error) {
        if (!this.#reported.has(key)) {
          this.#reported.add(key);
          console.error(`flyte: schedule of launch plan ${row.project}/${row.domain}/${row.name}@${row.version} cannot fire: ${(error as Error).message}`);
        }
      }
    }
    return started;
  }

  async #fireDue(key: string, row: { project: string; domain: string; name: string; version: string }, schedule: Schedule): Promise<number> {
    const now = this.#now();
    const stored = this.#sql.get.get(key) as { last_fire_at: number } | undefined;
    if (stored === undefined) {
      // First sight of this schedule: the first fire is the next scheduled time after now.
      await this.#committer.submit(() => this.#sql.put.run(key, now));
      return 0;
    }
    const next = nextTimeOf(schedule);
    let last = stored.last_fire_at;
    let started = 0;
    for (let due = next(last); due <= now && started < (this.#options.maxCatchUp ?? 100); due = next(last)) {
      await this.#launch(row, schedule, due);
      last = due;
      started++;
      await this.#committer.submit(() => this.#sql.put.run(key, due));
    }
    return started;
  }

  async #launch(row: { project: string; domain: string; name: string; version: string }, schedule: Schedule, at: number): Promise<void> {
    const id = create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, project: row.project, domain: row.domain, name: row.name, version: row.version });
    const target = launchTargetOf(this.#ctx.registry, id);
    const given = create(LiteralMapSchema);
    if (schedule.kickoffTimeInputArg !== "") {
      given.literals[schedule.kickoffTimeInputArg] = create(LiteralSchema, {
        value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "datetime", value: timestampFromMs(at) } } } } },
      });
    }
    const inputs = mergeExecutionInputs(target.subject, target.expectedInputs, target.spec, given);
    // Derived from the name and the time: a second attempt for the same time is refused.
    const name = `s${createHash("sha256").update(`${row.project}:${row.domain}:${row.name}@${at}`).digest("hex").slice(0, 19)}`;
    try {
      await startExecution(this.#ctx, {
        project: row.project,
        domain: row.domain,
        name,
        spec: { ...emptySpec(), launchPlan: target.id },
        mode: ExecutionMetadata_ExecutionMode.SCHEDULED,
        closure: target.closure,
        ...(target.closureBytes === undefined ? {} : { closureBytes: target.closureBytes }),
        inputs,
        userInputs: given,
        scheduledAt: at,
        ...(target.spec === undefined ? {} : { launchPlanMaxParallelism: target.spec.maxParallelism }),
      });
    } catch (error) {
      if (!(error instanceof ConnectError && error.code === Code.AlreadyExists)) throw error;
    }
  }
}

/** The function giving a schedule's next time after a given one. */
function nextTimeOf(schedule: Schedule): (after: number) => number {
  const expr = schedule.ScheduleExpression;
  if (expr.case === "rate") {
    const period = expr.value.value * (RATE_MS[expr.value.unit] ?? 60_000);
    if (period <= 0) throw new RangeError("the fixed rate must be positive");
    return (after) => after + period;
  }
  const text = expr.case === "cronExpression" ? expr.value : expr.case === "cronSchedule" ? expr.value.schedule : undefined;
  if (text === undefined) throw new RangeError("the schedule has neither a cron expression nor a rate");
  const cron = parseCron(text);
  return (after) => {
    const next = cron.next(after);
    if (next === undefined) throw new RangeError(`cron expression '${text}' never matches again`);
    return next;
  };
}
