// How `flyte start` serves the console and its live updates: built files with their content
// types and cache headers, the app for deep links, and WatchService streams that send a full state
// first, then changes, and resume from a cursor after a disconnect.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { WorkflowExecution_Phase } from "@flyte/idl/gen/flyteidl/core/execution_pb.js";
import { WatchService, type WatchExecutionResponse } from "@flyte/idl/gen/flyte/watch/v1/watch_pb.js";
import { flyteAsync } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const scope = { project: "flytesnacks", domain: "development" };

describe("the console's serving and WatchService", { timeout: 600_000 }, () => {
  let home: string;
  let server: ServerProcess;
  let watch: Client<typeof WatchService>;
  const run = async (...args: string[]): Promise<string> => {
    const res = await flyteAsync([...args, "--endpoint", server.url], 240_000, { HOME: home, XDG_DATA_HOME: join(home, "data"), XDG_CACHE_HOME: join(home, "cache") });
    assert.equal(res.status, 0, `flyte ${args.join(" ")}: ${res.stdout}\n${res.stderr}`);
    return res.stdout.trim();
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "flyte-console-serving-"));
    server = await startServerProcess(join(home, "server"), ["--workers", "1"], { HOME: home });
    watch = createClient(WatchService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await run("register", "tests/testdata/console/flows.ts");
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("built files have their content types; hashed ones are cached for good, the app never", async () => {
    const index = await fetch(`${server.url}/console/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(index.headers.get("cache-control"), "no-cache");
    const html = await index.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/console\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    assert.ok(script !== undefined && style !== undefined, html);
    const js = await fetch(`${server.url}${script}`);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal((await fetch(`${server.url}${style}`)).headers.get("content-type"), "text/css; charset=utf-8");
  });

  test("deep links answer the app; missing assets and other methods do not", async () => {
    for (const path of ["/console", "/console/projects/flytesnacks/executions?domain=development", "/console/projects/p/domains/d/executions/abc"]) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<div id="root">/, path);
    }
    const missing = await fetch(`${server.url}/console/assets/index-gone.js`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no such console asset/);
    assert.equal((await fetch(`${server.url}/console/`, { method: "POST" })).status, 405);
    const traversal = await fetch(`${server.url}/console/..%2f..%2fpackage.json`);
    assert.match(await traversal.text(), /<div id="root">/, "a path out of the folder gets the app, not the file");
    const root = await fetch(`${server.url}/`, { headers: { accept: "text/html" }, redirect: "manual" });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get("location"), "/console/");
  });

  test("WatchExecution sends everything first, then changes, and resumes from a cursor", async () => {
    const name = await run("run", "--remote", "--launch-plan", "slow_wf", "--seconds", "2");
    const id = { ...scope, name };
    const seen: WatchExecutionResponse[] = [];
    for await (const res of watch.watchExecution({ id, cursor: 0n })) seen.push(res);
    assert.ok(seen.length >= 2, `expected a first state and changes, got ${seen.length} responses`);
    assert.equal(seen[0]?.full, true);
    assert.ok(seen.slice(1).every((r) => !r.full));
    // Running, the first state comes in two parts: the execution alone (so a page can fetch its
    // workflow at once), then its nodes.
    assert.ok(seen[0]?.execution !== undefined && seen[0].nodeExecutions.length === 0, "the execution comes first, alone");
    assert.ok(seen.slice(1).find((r) => r.nodeExecutions.length > 0)?.nodeExecutions.some((n) => n.id?.nodeId === "n0"), "then its nodes");
    const last = seen.at(-1)!;
    assert.equal(last.execution?.closure?.phase, WorkflowExecution_Phase.SUCCEEDED, "the stream ends once the execution has ended");
    const nodePhases = seen.flatMap((r) => r.nodeExecutions.filter((n) => n.id?.nodeId === "n0").map((n) => n.closure?.phase));
    assert.ok(nodePhases.length >= 2, `n0 changed phase live: ${nodePhases.join(",")}`);
    assert.ok(seen.every((r, i) => i === 0 || r.cursor >= seen[i - 1]!.cursor), "cursors never go back");

    // Resuming from the last cursor: one response, not a full state, holding only what was updated
    // at or after the cursor (the last change may come again; merging it is harmless).
    const resumed: WatchExecutionResponse[] = [];
    for await (const res of watch.watchExecution({ id, cursor: last.cursor })) resumed.push(res);
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0]?.full, false);
    for (const n of resumed[0]?.nodeExecutions ?? []) {
      const updated = n.closure?.updatedAt;
      assert.ok(updated !== undefined && BigInt(updated.seconds) * 1000n + BigInt(Math.floor(updated.nanos / 1e6)) >= last.cursor, `${n.id?.nodeId} was sent again though not updated since the cursor`);
    }
  });

  test("WatchExecution summarizes a map node's items instead of listing them", async () => {
    const name = await run("run", "--remote", "--launch-plan", "map_wf", "--xs", JSON.stringify(Array.from({ length: 25 }, (_, i) => i)));
    let last: WatchExecutionResponse | undefined;
    const maps = new Map<string, Record<number, number>>();
    for await (const res of watch.watchExecution({ id: { ...scope, name }, cursor: 0n })) {
      last = res;
      for (const m of res.mapItems) maps.set(m.nodeId, m.phases);
      assert.ok(res.nodeExecutions.every((n) => !/^n0-\d+$/.test(n.id?.nodeId ?? "")), "items are not listed one by one");
    }
    assert.equal(last?.execution?.closure?.phase, WorkflowExecution_Phase.SUCCEEDED);
    assert.deepEqual(maps.get("n0"), { 3: 25 }, "25 items SUCCEEDED (node phase 3)");
  });

  test("WatchExecutions sends a page, filters it, and refuses unknown filters naming the known ones", async () => {
    const failed = await run("run", "--remote", "--launch-plan", "fail_wf", "--n", "1");
    const abort = new AbortController();
    let page: string[] = [];
    for await (const res of watch.watchExecutions({ ...scope, filters: "eq(workflow.name,fail_wf)", limit: 10 }, { signal: abort.signal })) {
      page = res.executions.map((e) => e.id?.name ?? "");
      if (page.includes(failed)) break;
    }
    abort.abort();
    assert.ok(page.includes(failed));
    const err = await (async () => {
      for await (const _ of watch.watchExecutions({ ...scope, filters: "eq(color,blue)" })) assert.fail("no page for an unknown filter");
    })().then(
      () => assert.fail("expected INVALID_ARGUMENT"),
      (e: unknown) => ConnectError.from(e),
    );
    assert.equal(err.code, Code.InvalidArgument);
    assert.match(err.rawMessage, /unsupported filter 'eq\(color,blue\)'.*eq\(workflow\.name,W\)/);
  });
});
