// The execution page opens its live stream only once its graph is drawn (the stream's first state
// carries every node record, which the graph does not need), in a real browser against a real
// server. The page's own bound (3 s) is raised through its localStorage setting (to an hour), so the
// test sees the drawing open the stream, not the bound. It checks the order of the two, never a
// time: it fails if the stream opens before the graph is drawn (nothing held) or only at the bound
// (the drawing never opens it: the wait for phases runs out). The page's first requests (the
// execution, then its workflow) leave from a worker without waiting for the main thread, and fall
// back to the page's own client on an error.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { executionPath, startConsoleEnv, UI_TIMEOUT_MS, type ConsoleEnv } from "./console-helpers.ts";

/**
 * Run in the page before its scripts: the bound raised, and the ORDER in which the first node was
 * drawn and the stream was requested (no clock: the test checks which came first, not how soon).
 */
const OBSERVE = `
  localStorage.setItem("flyte:hold-for-graph-ms", String(3_600_000));
  window.__gate = { order: [] };
  new MutationObserver(() => {
    if (!window.__gate.order.includes("drawn") && document.querySelector("[data-node-id]") !== null) window.__gate.order.push("drawn");
  }).observe(document, { childList: true, subtree: true });
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith("/WatchExecution") && !window.__gate.order.includes("stream")) {
      window.__gate.order.push("stream");
      window.__gate.drawnWhenStreamed = document.querySelector("[data-node-id]") !== null;
    }
    return fetch0.call(this, input, init);
  };
`;

interface Observed {
  /** "drawn" and "stream", in the order they happened. */
  readonly order: readonly string[];
  readonly drawnWhenStreamed?: boolean;
}

describe("the execution page's stream waits for the graph", { timeout: 600_000 }, () => {
  let env: ConsoleEnv;
  let name: string;
  before(async () => {
    env = await startConsoleEnv();
    name = await env.launch("nested_wf", "--n", "2");
  });
  after(async () => {
    await env?.close();
  });

  test("the stream is opened once the graph is drawn, by the drawing, and then brings the nodes' phases", async () => {
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    await context.addInitScript(OBSERVE);
    const page = await context.newPage();
    await page.goto(`${env.server.url}${executionPath(name)}`);
    await page.locator("[data-node-id]").first().waitFor();
    // Phases come only from the stream: with the bound raised, only the drawing can have opened it.
    await page.locator('[data-node-id="n0"]:not([data-phase="UNDEFINED"])').waitFor({ timeout: UI_TIMEOUT_MS * 2 });
    const seen = await page.evaluate<Observed>("window.__gate");
    assert.ok(seen.order.includes("stream"), "the stream was opened");
    assert.equal(seen.drawnWhenStreamed, true, `the graph was drawn when the stream was opened (order seen: ${seen.order.join(", ")})`);
    assert.deepEqual(seen.order, ["drawn", "stream"], "the first node was drawn before the stream's request");
    await context.close();
  });

  test("the workflow is requested as soon as the execution's answer comes, even while the page's main thread is busy", async () => {
    // The page's first two requests are sent from a worker (first-requests.ts), not from the main
    // thread, which is busy evaluating the bundle when the execution's answer comes. Here the main
    // thread is held in a synchronous request while that answer is let through; the held request
    // is answered with whether the workflow's request came meanwhile (a bound only for failure).
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const executionAsked = Promise.withResolvers<void>();
    const executionLetThrough = Promise.withResolvers<void>();
    const workflowAsked = Promise.withResolvers<void>();
    await context.route("**/flyteidl.service.AdminService/GetExecution", async (route) => {
      executionAsked.resolve();
      await executionLetThrough.promise;
      await route.continue();
    });
    await context.route("**/flyteidl.service.AdminService/GetWorkflow", async (route) => {
      workflowAsked.resolve();
      await route.continue();
    });
    await context.route("**/console-test-busy", async (route) => {
      executionLetThrough.resolve();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        workflowAsked.promise.then(() => "the workflow was requested"),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve("no workflow request while the main thread was busy"), UI_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      await route.fulfill({ body: outcome, contentType: "text/plain" });
    });
    const page = await context.newPage();
    const navigated = page.goto(`${env.server.url}${executionPath(name)}`, { waitUntil: "commit" });
    await executionAsked.promise;
    // A synchronous request: the page's main thread waits in it.
    const outcome = await page.evaluate<string>(`(() => {
      const busy = new XMLHttpRequest();
      busy.open("GET", "/console-test-busy", false);
      busy.send();
      return busy.responseText;
    })()`);
    assert.equal(outcome, "the workflow was requested");
    await navigated;
    await page.locator("[data-node-id]").first().waitFor();
    await context.close();
  });

  test("an execution that does not exist: the first request fails, and the page shows what the server says", async () => {
    // The first requests give up on an error (first-requests.ts); the page asks again through its
    // own client, whose error carries the server's message.
    const page = await env.open(executionPath("nosuchexecution"));
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /nosuchexecution/);
    await page.context().close();
  });
});
