// The execution page opens its live stream only once its graph is drawn (the stream's first state
// carries every node record, which the graph does not need), in a real browser against a real
// server. The page's own bound (3 s) is raised through its localStorage setting (to an hour), so the
// test sees the drawing open the stream, not the bound. It checks the order of the two, never a
// time: it fails if the stream opens before the graph is drawn (nothing held) or only at the bound
// (the drawing never opens it: the wait for phases runs out). The page's first requests (the
// execution, then its workflow) leave before the main bundle is evaluated, are taken over by the
// page, and fall back to the page's own client on an error.
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

  test("the execution and its workflow are requested once, the execution before the bundle booted flyteidl's descriptors", async () => {
    // Booting the descriptors decodes them with protobuf-es, through TextDecoder: the page counts
    // its decodes, and notes how many there had been when each request was sent.
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    await context.addInitScript(`
      window.__first = { decodes: 0, decodesAt: {}, counts: {} };
      const decode0 = TextDecoder.prototype.decode;
      TextDecoder.prototype.decode = function (...args) {
        window.__first.decodes++;
        return decode0.apply(this, args);
      };
      const fetch0 = window.fetch;
      window.fetch = function (input, init) {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        const m = /AdminService\\/(GetExecution|GetWorkflow)$/.exec(url);
        if (m !== null) {
          window.__first.decodesAt[m[1]] ??= window.__first.decodes;
          window.__first.counts[m[1]] = (window.__first.counts[m[1]] ?? 0) + 1;
        }
        return fetch0.call(this, input, init);
      };
    `);
    const page = await context.newPage();
    await page.goto(`${env.server.url}${executionPath(name)}`);
    await page.locator("[data-node-id]").first().waitFor();
    const seen = await page.evaluate<{ decodes: number; decodesAt: Record<string, number>; counts: Record<string, number> }>("window.__first");
    assert.ok(seen.decodes > 0, "the page decoded protobuf (the hook works)");
    assert.equal(seen.decodesAt["GetExecution"], 0, "no protobuf was decoded yet when the execution was requested");
    assert.deepEqual(seen.counts, { GetExecution: 1, GetWorkflow: 1 }, "each was requested once: the page took over the first requests");
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
