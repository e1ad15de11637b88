/**
 * Helpers for tests of the server: start a real `flyte start` process on a free port and wait
 * until it is healthy; serialize the example workflow for registration.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { LaunchPlan } from "@flyte/idl/gen/flyteidl/admin/launch_plan_pb.js";
import type { TaskSpec } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import type { WorkflowSpec } from "@flyte/idl/gen/flyteidl/admin/workflow_pb.js";
import { loadEntities, specsOf } from "flytekit/internal";
import { ROOT } from "./helpers.ts";

/** A `flyte start` process. */
export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the process printed to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `flyte start --port 0 --data-dir dataDir ...args`, parses the printed URL and waits for
 * /healthz. No worker pool unless `args` asks for one: most suites only need the API. `env` is
 * added to the process's (and so its workers') environment.
 */
export async function startServerProcess(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const workers = args.includes("--workers") ? [] : ["--workers", "0"];
  const child = spawn(process.execPath, ["packages/cli/bin/flyte.ts", "start", "--port", "0", "--data-dir", dataDir, ...workers, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Generous: at load 20 a `flyte start` from the TypeScript sources took longer than 20 s to print
  // its URL. On failure the process is killed: left running, its pipes kept the test file's
  // process alive after the suite had failed (a run hung for 36 minutes).
  const failed = (error: Error): never => {
    child.kill("SIGKILL");
    throw error;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`flyte start printed no URL within 120 s; stderr:\n${stderr}`)), 120_000);
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const m = /^flyte: serving on (http:\/\/\S+) \(data: .+\)$/.exec(line);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`flyte start exited with ${code} before serving; stderr:\n${stderr}`));
    });
  }).catch(failed);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    if (Date.now() > deadline) failed(new Error(`${url}/healthz did not answer 200 within 60 s`));
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** The entities of examples/basics/workflow.ts, serialized for one project, domain and version. */
export interface ExampleSpecs {
  readonly tasks: readonly TaskSpec[];
  readonly workflow: WorkflowSpec;
  readonly launchPlan: LaunchPlan;
}

/** Serializes examples/basics/workflow.ts with the flytekit internal API. */
export async function exampleSpecs(project: string, domain: string, version: string): Promise<ExampleSpecs> {
  const entities = await loadEntities([`${ROOT}/examples/basics/workflow.ts`]);
  const specs = specsOf(entities.map((e) => e.definition), { project, domain, version });
  const tasks: TaskSpec[] = [];
  let workflow: WorkflowSpec | undefined;
  let launchPlan: LaunchPlan | undefined;
  for (const spec of specs) {
    if (spec.kind === "task") tasks.push(spec.message);
    else if (spec.kind === "workflow" && spec.name === "my_wf") workflow = spec.message;
    else if (spec.kind === "launchPlan" && spec.name === "my_wf") launchPlan = spec.message;
  }
  if (workflow === undefined || launchPlan === undefined) throw new Error("examples/basics/workflow.ts no longer defines my_wf");
  return { tasks, workflow, launchPlan };
}
