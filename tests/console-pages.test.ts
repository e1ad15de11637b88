// The console's pages in a real browser: executions filters (mode too) kept in the URL across a
// reload and while polling, the execution timeline, groups (nested, with their edges; a dynamic
// node's children with the edges of the workflow it ran), file values with download links, dark
// mode following the system, no serious accessibility violations (axe-core) on the main pages,
// keyboard selection of a graph node, and screenshots of every main page in test-artifacts/.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { executionPath, startConsoleEnv, UI_TIMEOUT_MS, type ConsoleEnv } from "./console-helpers.ts";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** The serious and critical axe-core violations of the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  // Evaluated in the page (a string: this file is type-checked without the DOM's types).
  const violations = await page.evaluate<AxeViolation[]>("axe.run().then((result) => result.violations)");
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("the console's pages", { timeout: 600_000 }, () => {
  let env: ConsoleEnv;
  let succeeded: string;
  let failed: string;
  let relaunched: string;
  let nested: string;
  let outer: string;
  let files: string;
  let fanned: string;
  before(async () => {
    env = await startConsoleEnv();
    succeeded = await env.launch("map_wf", "--xs", "[1,2,3]");
    failed = await env.launch("fail_wf", "--n", "3");
    relaunched = (await env.flyte("relaunch", succeeded)).trim().split(/\s+/)[0] ?? "";
    nested = await env.launch("nested_wf", "--n", "2");
    outer = await env.launch("outer_wf", "--n", "2");
    files = await env.launch("files_wf", "--csv", "tests/testdata/console/amounts.csv");
    fanned = await env.launch("fan_wf", "--n", "2");
  });
  after(async () => {
    await env?.close();
  });

  test("executions filters live in the URL and survive a reload", async () => {
    const page = await env.open("/console/projects/flytesnacks/executions?domain=development");
    await page.getByRole("link", { name: failed }).waitFor();
    await page.getByLabel("failed").check();
    await page.waitForURL(/phase=FAILED/, { waitUntil: "commit" });
    await page.locator("table tbody tr").filter({ hasNotText: "failed" }).first().waitFor({ state: "detached" });
    await page.getByLabel("Workflow").fill("fail_wf");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/workflow=fail_wf/, { waitUntil: "commit" });
    await page.reload();
    await page.getByRole("link", { name: failed }).waitFor();
    assert.equal(await page.getByLabel("failed").isChecked(), true);
    assert.equal(await page.getByLabel("Workflow").inputValue(), "fail_wf");
    assert.equal(await page.getByRole("link", { name: succeeded }).count(), 0, "the succeeded execution is filtered out");
    await env.shot(page, "executions-filtered");
    await page.context().close();
  });

  test("the mode filter keeps relaunches only, in the URL across a reload", async () => {
    const page = await env.open("/console/projects/flytesnacks/executions?domain=development");
    await page.getByRole("link", { name: succeeded }).waitFor();
    await page.getByLabel("Mode").selectOption("RELAUNCH");
    await page.waitForURL(/mode=RELAUNCH/, { waitUntil: "commit" });
    await page.getByRole("link", { name: succeeded }).waitFor({ state: "detached" });
    await page.reload();
    await page.getByRole("link", { name: relaunched }).waitFor();
    assert.equal(await page.getByLabel("Mode").inputValue(), "RELAUNCH");
    assert.equal(await page.getByRole("link", { name: failed }).count(), 0, "a manual execution is filtered out");
    assert.match(await page.locator("table tbody").innerText(), /relaunch/);
    await page.context().close();
  });

  test("the timeline draws each node's bar and the selected node's attempts, from the URL too", async () => {
    const page = await env.open(executionPath(failed));
    await page.getByRole("tab", { name: "Timeline" }).click();
    await page.waitForURL(/view=timeline/, { waitUntil: "commit" });
    const timeline = page.getByRole("list", { name: "Nodes over time" });
    await timeline.locator('[data-node-id="n0"][data-phase="SUCCEEDED"] .tl-bar.ok').waitFor();
    await timeline.locator('[data-node-id="n1"][data-phase="FAILED"] .tl-bar.bad').waitFor();
    await timeline.getByRole("button", { name: "n1" }).click();
    await page.getByRole("complementary", { name: "Node n1" }).waitFor();
    await timeline.locator('[data-node-id="n1"] .tl-attempt[data-attempt="0"]').waitFor();
    await env.shot(page, "execution-timeline");
    await page.reload();
    assert.equal(await page.getByRole("tab", { name: "Timeline" }).getAttribute("aria-selected"), "true");
    await page.getByRole("list", { name: "Nodes over time" }).locator('[data-node-id="n0"] .tl-bar').waitFor();
    await page.getByRole("tab", { name: "Graph" }).click();
    await page.locator('[data-node-id="n0"].gnode').waitFor();
    await page.context().close();
  });

  test("without the watch stream the list polls with its filters, and goes live again once the stream is back", async () => {
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.setDefaultTimeout(120_000);
    await context.route("**/flyte.watch.v1.WatchService/**", (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${env.server.url}/console/projects/flytesnacks/executions?domain=development&workflow=fail_wf&mode=MANUAL`);
    await page.locator('[data-live="polling"]').waitFor();
    await page.getByRole("link", { name: failed }).waitFor();
    assert.equal(await page.getByRole("link", { name: succeeded }).count(), 0, "the workflow filter applies while polling");
    const polled = await page.locator("table tbody").innerText();
    assert.doesNotMatch(polled, /map_wf|relaunch/, "neither another workflow nor another mode while polling");
    await context.unroute("**/flyte.watch.v1.WatchService/**");
    await page.locator('[data-live="live"]').waitFor();
    await page.getByRole("link", { name: failed }).waitFor();
    await context.close();
  });

  test("a sub-workflow is one node that expands into a group of its nodes, kept in the URL", async () => {
    const page = await env.open(executionPath(nested));
    const expand = page.getByRole("button", { name: "Expand n0 (2 nested)" });
    await expand.click();
    await page.waitForURL(/expand=n0/, { waitUntil: "commit" });
    const group = page.getByRole("group", { name: "n0: 2 nested nodes" });
    await group.waitFor();
    await page.locator('.gnode[data-node-id="n0-0-n0"][data-phase="SUCCEEDED"]').waitFor();
    // The sub-workflow's own edge joins its two nodes, which are side by side, not in a column.
    await page.getByTestId("rf__edge-n0-0-n0>n0-0-n1").waitFor({ state: "attached" }); // a straight edge has no height: attached, not "visible"
    const first = await page.locator('.gnode[data-node-id="n0-0-n0"]').boundingBox();
    const second = await page.locator('.gnode[data-node-id="n0-0-n1"]').boundingBox();
    assert.ok(first !== null && second !== null && second.x > first.x + first.width, `n0-0-n1 is laid out after n0-0-n0: ${JSON.stringify([first, second])}`);
    await page.locator('.gnode[data-node-id="n0-0-n1"][data-phase="SUCCEEDED"]').click();
    await page.getByRole("complementary", { name: "Node n0-0-n1" }).waitFor();
    await env.shot(page, "execution-subworkflow-expanded");
    await page.reload();
    await page.locator('.gnode[data-node-id="n0-0-n0"]').waitFor();
    await page.getByRole("button", { name: "Collapse n0 (2 nested)" }).click();
    await page.locator('.gnode[data-node-id="n0-0-n0"]').waitFor({ state: "detached" });
    assert.equal(await page.getByRole("button", { name: "Expand n0 (2 nested)" }).getAttribute("aria-expanded"), "false");
    await page.context().close();
  });

  test("a group inside a group expands on its own, with its edges, and the view refits to show every node", async () => {
    const page = await env.open(executionPath(outer));
    await page.locator('.gnode[data-node-id="n0"][data-phase="SUCCEEDED"]').waitFor();
    await page.getByRole("button", { name: "Expand n0 (2 nested)" }).click();
    await page.getByRole("button", { name: "Expand n0-0-n0 (2 nested)" }).click();
    await page.waitForURL(/expand=n0%2Cn0-0-n0|expand=n0,n0-0-n0/, { waitUntil: "commit" });
    await page.getByRole("group", { name: "n0-0-n0: 2 nested nodes" }).waitFor();
    await page.locator('.gnode[data-node-id="n0-0-n0-0-n1"][data-phase="SUCCEEDED"]').waitFor();
    await page.getByTestId("rf__edge-n0-0-n0-0-n0>n0-0-n0-0-n1").waitFor({ state: "attached" });
    await page.getByTestId("rf__edge-n0-0-n0>n0-0-n1").waitFor({ state: "attached" });
    await env.shot(page, "execution-nested-groups");
    // Collapsing the inner group keeps the outer one expanded.
    await page.getByRole("button", { name: "Collapse n0-0-n0 (2 nested)" }).click();
    await page.locator('.gnode[data-node-id="n0-0-n0-0-n1"]').waitFor({ state: "detached" });
    await page.getByRole("group", { name: "n0: 2 nested nodes" }).waitFor();
    await page.context().close();

    // nested_wf in a narrow window: n0 expanded pushes n1 to the right, out of view unless the view refits.
    const narrow = await env.browser.newContext({ viewport: { width: 900, height: 900 } });
    narrow.setDefaultTimeout(120_000);
    const p2 = await narrow.newPage();
    await p2.goto(`${env.server.url}${executionPath(nested)}`);
    await p2.locator('.gnode[data-node-id="n1"][data-phase="SUCCEEDED"]').waitFor();
    await p2.getByRole("button", { name: "Expand n0 (2 nested)" }).click();
    await p2.locator('.gnode[data-node-id="n0-0-n1"]').waitFor();
    const inView = async (): Promise<boolean> => {
      const graph = await p2.locator(".graph").boundingBox();
      const n1 = await p2.locator('.gnode[data-node-id="n1"]').boundingBox();
      return graph !== null && n1 !== null && n1.x >= graph.x && n1.x + n1.width <= graph.x + graph.width;
    };
    for (let i = 0; i < 100 && !(await inView()); i++) await p2.waitForTimeout(100);
    assert.ok(await inView(), "n1 is fully in view after n0 expanded");
    await env.shot(p2, "execution-group-refit");
    await narrow.close();
  });

  test("a dynamic node expands into the nodes its task built, joined by the edges of the workflow it ran", async () => {
    const page = await env.open(executionPath(fanned));
    await page.locator('.gnode[data-node-id="n0"][data-phase="SUCCEEDED"]').waitFor({ timeout: UI_TIMEOUT_MS * 2 });
    await page.getByRole("button", { name: "Expand n0 (3 nested)" }).click();
    await page.getByRole("group", { name: "n0: 3 nested nodes" }).waitFor();
    await page.locator('.gnode[data-node-id="n0-dn2"][data-phase="SUCCEEDED"]').waitFor();
    // Both doubles feed the total: two edges, and the total laid out after them (not in a column).
    await page.getByTestId("rf__edge-n0-dn0>n0-dn2").waitFor({ state: "attached" });
    await page.getByTestId("rf__edge-n0-dn1>n0-dn2").waitFor({ state: "attached" });
    // The edges are drawn as soon as the dynamic workflow is known; the layout that uses them comes
    // a moment later from the layout worker (on a busy machine, after the edges): wait for it.
    await page.waitForFunction(
      `(() => { const d = document.querySelector('.gnode[data-node-id="n0-dn0"]')?.getBoundingClientRect(); const t = document.querySelector('.gnode[data-node-id="n0-dn2"]')?.getBoundingClientRect();
        return d !== undefined && t !== undefined && t.x > d.x + d.width; })()`,
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    const double = await page.locator('.gnode[data-node-id="n0-dn0"]').boundingBox();
    const total = await page.locator('.gnode[data-node-id="n0-dn2"]').boundingBox();
    assert.ok(double !== null && total !== null && total.x > double.x + double.width, `n0-dn2 is laid out after n0-dn0: ${JSON.stringify([double, total])}`);
    assert.match(await page.locator('.gnode[data-node-id="n0-dn2"]').innerText(), /total/, "children are labelled from the dynamic workflow's spec");
    await env.shot(page, "execution-dynamic-expanded");
    await page.context().close();
  });

  test("file inputs and outputs show as typed values with download links, a dataframe with its format and columns", async () => {
    const page = await env.open(`${executionPath(files)}?node=n0`);
    const inputs = page.getByRole("table", { name: "Execution inputs" });
    const csv = inputs.getByRole("link", { name: /^Download csv: / });
    await csv.waitFor();
    // The kind and format are said once: in the type column when it says them, else beside the link.
    const saidOnce = async (row: string, kind: RegExp): Promise<void> => {
      const text = await page.locator("tr", { has: page.locator(row) }).first().innerText();
      assert.equal(text.match(kind)?.length, 1, `said once in: ${text}`);
    };
    await saidOnce('[data-file="csv"]', /file \(csv\)|file · csv/g);
    const href = (await csv.getAttribute("href")) ?? "";
    assert.match(href, /^\/download\//, "a link on the console's own origin");
    const body = await page.evaluate<string>(`fetch(${JSON.stringify(href)}).then((r) => r.text())`);
    assert.equal(body, "region,amount\neast,10\nwest,32.5\n", "the link downloads the uploaded file");
    const outputs = page.getByRole("table", { name: "Execution outputs" });
    const frame = outputs.locator('[data-file="o0"][data-kind="dataframe"]');
    await frame.waitFor();
    await saidOnce('[data-file="o0"]', /dataframe \(parquet\)|dataframe · parquet/g);
    const columns = outputs.getByRole("table", { name: "Columns of o0" });
    assert.match(await columns.innerText(), /region\s+string/);
    assert.match(await columns.innerText(), /amount\s+float/);
    await frame.getByRole("link", { name: "00000" }).waitFor();
    const report = outputs.getByRole("link", { name: "Download o1: report.txt" });
    assert.equal(await page.evaluate<string>(`fetch(${JSON.stringify((await report.getAttribute("href")) ?? "")}).then((r) => r.text())`), "2 rows\n");
    // The node panel shows its inputs and outputs the same way.
    const panel = page.getByRole("complementary", { name: "Node n0" });
    await panel.getByRole("link", { name: /^Download csv: / }).waitFor();
    await panel.locator('[data-file="o0"][data-kind="dataframe"]').waitFor();
    assert.equal(await page.locator('pre:has-text("/download/")').count(), 0, "no URI shown as raw JSON");
    await env.shot(page, "execution-files");
    await page.context().close();
  });

  test("dark mode follows the system setting", async () => {
    const background = async (dark: boolean): Promise<string> => {
      const page = await env.open(`${executionPath(succeeded)}?node=n0`, { dark });
      await page.locator('[data-node-id="n0"]').waitFor();
      const color = String(await page.evaluate("getComputedStyle(document.body).backgroundColor"));
      await env.shot(page, dark ? "execution-dark" : "execution-light");
      await page.context().close();
      return color;
    };
    assert.equal(await background(false), "rgb(255, 255, 255)");
    assert.equal(await background(true), "rgb(13, 17, 23)");
  });

  test("a graph node is selected with the keyboard", async () => {
    const page = await env.open(executionPath(succeeded));
    const node = page.locator('[data-node-id="n0"]');
    await node.waitFor();
    await node.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/node=n0/, { waitUntil: "commit" });
    await page.getByRole("complementary", { name: "Node n0" }).waitFor();
    await page.context().close();
  });

  test("a node chosen in the node list is brought into the graph's view", async () => {
    const page = await env.open(executionPath(failed));
    const graph = page.locator(".graph");
    await page.locator('[data-node-id="n1"]').waitFor();
    // Drag the graph far to the left: n1 leaves the view (and, not being drawn, the page).
    const area = await graph.boundingBox();
    assert.ok(area !== null);
    await page.mouse.move(area.x + area.width - 20, area.y + area.height - 20);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(area.x + area.width - 20 - step * 300, area.y + area.height - 20 - step * 5);
    await page.mouse.up();
    await page.locator('[data-node-id="n1"]').waitFor({ state: "detached" });

    await page.getByRole("list", { name: "Nodes" }).getByRole("button", { name: "n1", exact: true }).click();
    await page.getByRole("complementary", { name: "Node n1" }).waitFor();
    // Wholly inside the graph's area, beside the panel that opened.
    await page.waitForFunction(
      `(() => { const g = document.querySelector(".graph")?.getBoundingClientRect(); const n = document.querySelector('[data-node-id="n1"]')?.getBoundingClientRect();
        return g !== undefined && n !== undefined && n.left >= g.left && n.right <= g.right && n.top >= g.top && n.bottom <= g.bottom; })()`,
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    await page.context().close();
  });

  const pages: [string, () => string][] = [
    ["projects", () => "/console/"],
    ["executions", () => "/console/projects/flytesnacks/executions?domain=development"],
    ["execution", () => `${executionPath(failed)}?node=n1`],
    ["execution-timeline", () => `${executionPath(failed)}?view=timeline&node=n1`],
    ["workflows", () => "/console/projects/flytesnacks/workflows?domain=development"],
    ["workflow", () => "/console/projects/flytesnacks/domains/development/workflows/typed_wf"],
    ["launch-plans", () => "/console/projects/flytesnacks/launchPlans?domain=development"],
    ["launch-plan", () => "/console/projects/flytesnacks/domains/development/launch_plans/typed_wf"],
    ["tasks", () => "/console/projects/flytesnacks/tasks?domain=development"],
    ["launch", () => "/console/projects/flytesnacks/domains/development/launch?lp=typed_wf"],
    ["launch-file", () => "/console/projects/flytesnacks/domains/development/launch?lp=files_wf"],
  ];
  for (const [name, path] of pages) {
    test(`the ${name} page has no serious accessibility violations, light or dark`, async () => {
      for (const dark of [false, true]) {
        const page = await env.open(path(), { dark });
        await page.locator("main h1").first().waitFor();
        // Let queries settle (lists, graph layout) before judging the page.
        await page.locator("main :text-matches('Loading', 'i')").first().waitFor({ state: "detached" }).catch(() => undefined);
        await page.locator("main :is(table, .graph, .timeline, form, .cards)").first().waitFor();
        if (!dark) await env.shot(page, `page-${name}`);
        assert.deepEqual(await seriousViolations(page), [], `${name} (${dark ? "dark" : "light"})`);
        await page.context().close();
      }
    });
  }
});
