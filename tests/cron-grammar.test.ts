// The SDK and the server accept the same cron grammar (one parser, @flyte/engine's cron.ts):
// every expression `launchPlan()` accepts registers on a real server and fires there; every one
// it rejects, the server rejects too. The scheduler runs on a test clock (no waiting).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CRON_ALIASES, parseCron } from "@flyte/engine";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { durableExecutions, startServer, type DurableExecutionsParts, type RunningServer } from "@flyte/server";
import { launchPlan, task, workflow } from "flytekit";
import { definitionOf, specsOf, type EntitySpec } from "flytekit/internal";
import { z } from "zod";

const ACCEPTED = [
  "0 * * * *",
  "*/15 9-17 1,15 * 1-5",
  "0 0 ? * SUN",
  "30 9 * * MON-FRI",
  "5/15 * * * *",
  "0 0 1 JAN,JUL *",
  "0 0 * * 7",
  ...Object.keys(CRON_ALIASES),
];
const REJECTED = [
  "0 0 * * * *", // six fields (seconds): Flyte's native scheduler has five
  "* * * *",
  "61 * * * *",
  "0 24 * * *",
  "5-1 * * * *",
  "*/0 * * * *",
  "0 0 L * *",
  "0 0 * * 5#2",
  "0 0 30 2 *", // never matches
  "@every 1h",
  "@reboot",
  "every hour",
];

const settings = { project: "flytesnacks", domain: "development", version: "v1" };
const noop = task({ name: "cron_noop", inputs: { t: z.date() } }, () => undefined);
const wf = workflow({ name: "cron_wf", inputs: { t: z.date() } }, ({ t }) => {
  noop({ t });
});

/** The launch plan spec of `lp_<i>` with `expression`, built by the SDK from a valid one when the SDK would refuse it. */
function launchPlanSpec(i: number, expression: string): EntitySpec & { kind: "launchPlan" } {
  const lp = launchPlan(wf, { name: `lp_${i}`, schedule: { cron: "0 * * * *", kickoffTimeInput: "t" } });
  const spec = specsOf([definitionOf(lp)!], settings).find((s): s is EntitySpec & { kind: "launchPlan" } => s.kind === "launchPlan" && s.name === `lp_${i}`)!;
  const schedule = spec.message.spec!.entityMetadata!.schedule!;
  schedule.ScheduleExpression = { case: "cronSchedule", value: { $typeName: "flyteidl.admin.CronSchedule", schedule: expression, offset: "" } };
  return spec;
}

describe("one cron grammar for the SDK and the server", () => {
  let dataDir: string;
  let server: RunningServer;
  let admin: Client<typeof AdminService>;
  let parts: DurableExecutionsParts | undefined;
  let clock = Date.UTC(2030, 0, 1, 0, 0, 30);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "flyte-cron-"));
    server = await startServer({ dataDir, port: 0, fsync: false, executions: durableExecutions({ schedulerTickMs: 0, now: () => clock, onReady: (p) => (parts = p) }) });
    admin = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await admin.registerProject({ project: { id: "flytesnacks", name: "flytesnacks" } }).catch(() => undefined);
    for (const spec of specsOf([definitionOf(wf)!], settings)) {
      if (spec.kind === "task") await admin.createTask({ id: spec.message.template!.id, spec: spec.message });
      if (spec.kind === "workflow") await admin.createWorkflow({ id: spec.message.template!.id, spec: spec.message });
    }
  });

  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("every expression the SDK accepts registers and fires on the server", async () => {
    for (const [i, expression] of ACCEPTED.entries()) {
      assert.doesNotThrow(() => launchPlan(wf, { name: `sdk_${i}`, schedule: { cron: expression, kickoffTimeInput: "t" } }), expression);
      const spec = launchPlanSpec(i, expression);
      await admin.createLaunchPlan({ id: spec.message.id, spec: spec.message.spec });
      await admin.updateLaunchPlan({ id: spec.message.id!, state: 1 });
      assert.equal(await parts!.scheduler.tick(), 0, `${expression}: nothing is due at activation`);
      clock = parseCron(expression).next(clock)! + 1_000;
      assert.equal(await parts!.scheduler.tick(), 1, `${expression}: fires at its next time`);
      await admin.updateLaunchPlan({ id: spec.message.id!, state: 0 });
    }
  });

  test("every expression the SDK rejects, the server rejects when registering", async () => {
    for (const [i, expression] of REJECTED.entries()) {
      assert.throws(() => launchPlan(wf, { name: `bad_${i}`, schedule: { cron: expression, kickoffTimeInput: "t" } }), /E_INVALID_SCHEDULE|the schedule is invalid/, expression);
      const spec = launchPlanSpec(100 + i, expression);
      await assert.rejects(admin.createLaunchPlan({ id: spec.message.id, spec: spec.message.spec }), /Invalid cron expression/, expression);
    }
  });
});
