// The console in a real browser against a real server and workers: launching from the generated
// form (a file input uploaded from it too), phases changing live, a node's inputs, outputs and log, approving a gate, terminating,
// relaunching and recovering, and a map task shown as one node with its items' histogram.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM, executionPath, startConsoleEnv, UI_TIMEOUT_MS, type ConsoleEnv } from "./console-helpers.ts";

/** The execution's phase as the page shows it (the badge in the title row). */
function executionPhase(page: Page) {
  return page.locator(".title-row > [data-phase]");
}

/** Waits until the page has moved to another execution than `name` and shows it; returns its name. */
async function waitForOtherExecution(page: Page, name: string): Promise<string> {
  await page.waitForURL((url) => !url.pathname.endsWith(`/executions/${name}`), { waitUntil: "commit" });
  const next = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await page.locator("h1", { hasText: next }).waitFor();
  return next;
}

/** Waits until the page shows the execution in `phase` (live: no reload). */
async function waitForPhase(page: Page, phase: string): Promise<void> {
  await page.locator(`.title-row > [data-phase="${phase}"]`).waitFor({ timeout: UI_TIMEOUT_MS * 2 });
}

describe("the console", { timeout: 600_000 }, () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsoleEnv();
  });
  after(async () => {
    await env?.close();
  });

  test("the launch form takes every input type, refuses invalid values, and launches", async () => {
    const page = await env.open("/console/projects/flytesnacks/domains/development/launch?lp=typed_wf");
    await page.locator('input[name="count"]').waitFor();
    assert.equal(await page.locator('input[name="count"]').inputValue(), "3", "the default prefills its field");
    await page.locator('input[name="title"]').fill("hello");
    await page.getByRole("button", { name: "Launch" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /ratio: expected a number \(float\)/);
    assert.match(page.url(), /\/launch\?/, "nothing was launched");

    await page.locator('input[name="ratio"]').fill("2.5");
    await page.locator('input[name="loud"]').check();
    await page.locator('input[name="when"]').fill("2026-01-31T12:00:00");
    await page.locator('input[name="wait"]').fill("90s");
    await page.locator('select[name="size"]').selectOption("large");
    await page.getByRole("button", { name: "Add item to tags" }).click();
    await page.locator('input[name="tags[0]"]').fill("a");
    await page.getByRole("button", { name: "Add item to tags" }).click();
    await page.locator('input[name="tags[1]"]').fill("b");
    await page.getByRole("button", { name: "Add entry to weights" }).click();
    await page.getByLabel("key").fill("w");
    await page.locator('input[name="weights[w]"]').fill("1.5");
    await page.locator('input[name="x"]').fill("7");
    await page.locator('input[name="y"]').fill("0.5");
    await page.getByLabel("type of note").selectOption({ label: "string" });
    await page.locator('input[name="note"]').fill("fine");
    await env.shot(page, "launch-form");
    await page.getByRole("button", { name: "Launch" }).click();
    await page.waitForURL(/\/executions\/[a-z0-9]+$/, { waitUntil: "commit" });
    await waitForPhase(page, "SUCCEEDED");
    const output = JSON.parse(await page.locator('[data-value="o0"]').first().innerText()) as string;
    for (const part of ["HELLO:3:2.5:TRUE", "2026-01-31T12:00:00.000Z", ":90000:LARGE:A|B:", '{"W":1.5}', ":7,0.5:FINE"]) assert.ok(output.includes(part), `${output} lacks ${part}`);

    // Relaunch with changes: the form comes back prefilled with this execution's inputs.
    await page.getByRole("link", { name: "Relaunch with changes" }).click();
    await page.locator('input[name="title"]').waitFor();
    assert.equal(await page.locator('input[name="title"]').inputValue(), "hello");
    assert.equal(await page.locator('input[name="tags[1]"]').inputValue(), "b");
    assert.equal(await page.locator('input[name="x"]').inputValue(), "7");
    assert.equal(await page.locator('input[name="note"]').inputValue(), "fine");
    // The browser writes a whole minute without its seconds.
    assert.match(await page.locator('input[name="when"]').inputValue(), /^2026-01-31T12:00(:00)?$/);
    await page.context().close();
  });

  test("a file input is uploaded from the form, launched as a file of its format, and prefilled again on relaunch", async () => {
    const page = await env.open("/console/projects/flytesnacks/domains/development/launch?lp=files_wf");
    const uri = page.locator('input[name="csv"]');
    await uri.waitFor();
    await page.getByRole("button", { name: "Launch" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /csv: choose a local file to upload or give the URI of a file \(csv\)/);
    await uri.fill("amounts.csv");
    await page.getByRole("button", { name: "Launch" }).click();
    await page.getByRole("alert").filter({ hasText: "expected a URI" }).waitFor();
    assert.match(page.url(), /\/launch\?/, "nothing was launched");

    await page.getByLabel("Upload a local file for csv").setInputFiles("tests/testdata/console/amounts.csv");
    // Stored by content, where `flyte run --remote` puts the same bytes.
    const sha = createHash("sha256").update(readFileSync("tests/testdata/console/amounts.csv")).digest("hex");
    await page.waitForFunction(`document.querySelector('input[name="csv"]').value.endsWith("/download/flytesnacks/development/inputs/content/${sha}/amounts.csv")`, undefined, { timeout: UI_TIMEOUT_MS });
    const uploaded = await uri.inputValue();
    await env.shot(page, "launch-form-file");
    await page.getByRole("button", { name: "Launch" }).click();
    await page.waitForURL(/\/executions\/[a-z0-9]+$/, { waitUntil: "commit" });
    await waitForPhase(page, "SUCCEEDED");
    const link = page.getByRole("table", { name: "Execution inputs" }).getByRole("link", { name: /^Download csv: / });
    await link.waitFor();
    const body = await page.evaluate<string>(`fetch(${JSON.stringify((await link.getAttribute("href")) ?? "")}).then((r) => r.text())`);
    assert.equal(body, "region,amount\neast,10\nwest,32.5\n", "the input is the uploaded file");

    await page.getByRole("link", { name: "Relaunch with changes" }).click();
    await page.locator('input[name="csv"]').waitFor();
    assert.equal(await page.locator('input[name="csv"]').inputValue(), uploaded, "relaunch shows the earlier URI");
    await page.context().close();
  });

  test("a directory input is uploaded as a folder from the form, at the folder's content address, and launched", async () => {
    const parent = mkdtempSync(join(tmpdir(), "console-folder-"));
    const dir = join(parent, "shots");
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "a.txt"), "alpha");
    writeFileSync(join(dir, "sub", "b.txt"), "beta");
    const page = await env.open("/console/projects/flytesnacks/domains/development/launch?lp=folder_wf");
    const uri = page.locator('input[name="folder"]');
    await uri.waitFor();
    await page.getByRole("button", { name: "Launch" }).click();
    await page.getByRole("alert").filter({ hasText: "folder: choose a local folder to upload" }).waitFor();

    await page.getByLabel("Upload a local folder for folder").setInputFiles(dir);
    // Where `flyte run --remote` puts the same folder: by the hash of its files' paths and hashes.
    const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
    const hash = sha(`a.txt\0sha256:${sha("alpha")}\nsub/b.txt\0sha256:${sha("beta")}\n`);
    await page.waitForFunction(`document.querySelector('input[name="folder"]').value.endsWith("/download/flytesnacks/development/inputs/content/${hash}/shots")`, undefined, { timeout: UI_TIMEOUT_MS });
    await env.shot(page, "launch-form-folder");
    await page.getByRole("button", { name: "Launch" }).click();
    await page.waitForURL(/\/executions\/[a-z0-9]+$/, { waitUntil: "commit" });
    await waitForPhase(page, "SUCCEEDED");
    const outputs = page.getByRole("table", { name: "Execution outputs" });
    await outputs.getByText("sub/b.txt=beta").waitFor();
    assert.match(await outputs.innerText(), /"a\.txt=alpha\\nsub\/b\.txt=beta"/, "the task read both files of the uploaded folder, and only them");
    await page.context().close();
    rmSync(parent, { recursive: true, force: true });
  });

  test("over plain HTTP off localhost (no Web Crypto) an upload still goes to its content address", async () => {
    // A host name other than localhost makes the page an insecure context, as a server reached
    // over plain HTTP on a network is: the browser then has no crypto.subtle.
    const host = "flyte-console.test";
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--host-resolver-rules=MAP ${host} 127.0.0.1`] });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const url = new URL(env.server.url);
      url.hostname = host;
      await page.goto(`${url.origin}/console/projects/flytesnacks/domains/development/launch?lp=files_wf`);
      await page.locator('input[name="csv"]').waitFor();
      assert.equal(await page.evaluate<boolean>("window.isSecureContext || globalThis.crypto?.subtle !== undefined"), false, "no Web Crypto on this page");
      await page.getByLabel("Upload a local file for csv").setInputFiles("tests/testdata/console/amounts.csv");
      const sha = createHash("sha256").update(readFileSync("tests/testdata/console/amounts.csv")).digest("hex");
      await page.waitForFunction(`document.querySelector('input[name="csv"]').value.includes("/download/")`, undefined, { timeout: UI_TIMEOUT_MS });
      assert.match(await page.locator('input[name="csv"]').inputValue(), new RegExp(`/inputs/content/${sha}/amounts\\.csv$`));
    } finally {
      await browser.close();
    }
  });

  test("phases change live, and a node shows its inputs, outputs and streaming log", async () => {
    // Long enough to be seen running on a busy machine: the page opens its stream only once the
    // graph is drawn, seconds after the navigation when two cores are shared by many processes.
    const name = await env.launch("slow_wf", "--seconds", "12");
    const page = await env.open(executionPath(name));
    const node = page.locator('[data-node-id="n0"]');
    await page.locator('[data-node-id="n0"][data-phase="RUNNING"]').waitFor({ timeout: UI_TIMEOUT_MS * 2 });
    await node.click();
    await page.locator("[data-log]", { hasText: "tick 0" }).waitFor();
    await env.shot(page, "execution-running");
    await waitForPhase(page, "SUCCEEDED");
    assert.equal(await node.getAttribute("data-phase"), "SUCCEEDED");
    await page.locator('[data-value="o0"]', { hasText: "12" }).first().waitFor();
    assert.match(await page.locator('[data-value="seconds"]').first().innerText(), /12/);
    await page.locator("[data-log]", { hasText: "tick 15" }).waitFor();
    await page.context().close();
  });

  test("a gate waits for approval and the execution goes on once approved", async () => {
    const name = await env.launch("gate_wf", "--n", "4");
    const page = await env.open(`${executionPath(name)}?node=n1`);
    await page.locator('[data-node-id="n1"][data-phase="RUNNING"]').waitFor({ timeout: UI_TIMEOUT_MS * 2 });
    const approve = page.getByRole("button", { name: "Approve" });
    await approve.waitFor();
    await env.shot(page, "execution-gate");
    await approve.click();
    await waitForPhase(page, "SUCCEEDED");
    await page.locator('.io [data-value="o0"]', { hasText: "8" }).waitFor();
    await page.context().close();
  });

  test("terminate ends a running execution; relaunch starts a new one with the same inputs", async () => {
    const name = await env.launch("slow_wf", "--seconds", "120");
    const page = await env.open(executionPath(name));
    await waitForPhase(page, "RUNNING");
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Terminate" }).click();
    await waitForPhase(page, "ABORTED");
    assert.match(await page.locator("main").innerText(), /terminated from the console/);
    await page.getByRole("button", { name: "Relaunch", exact: true }).click();
    await waitForOtherExecution(page, name);
    await waitForPhase(page, "RUNNING");
    await page.locator('.io [data-value="seconds"]', { hasText: "120" }).waitFor();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Terminate" }).click();
    await waitForPhase(page, "ABORTED");
    await page.context().close();
  });

  test("recover re-runs a failed execution from its failed node", async () => {
    const name = await env.launch("fail_wf", "--n", "2");
    const page = await env.open(`${executionPath(name)}?node=n1`);
    await waitForPhase(page, "FAILED");
    await page.locator(".node-error", { hasText: "exploded on 4" }).waitFor();
    await page.getByRole("button", { name: "Recover" }).click();
    await waitForOtherExecution(page, name);
    await waitForPhase(page, "FAILED");
    // The recovered execution reused n0's output instead of running it again.
    await page.locator('[data-node-id="n0"][data-phase="RECOVERED"]').waitFor();
    assert.equal(await executionPhase(page).getAttribute("data-phase"), "FAILED");
    await page.context().close();
  });

  test("a map task is one node with a histogram of its items and a paged item list", async () => {
    const xs = JSON.stringify(Array.from({ length: 30 }, (_, i) => i));
    const name = await env.launch("map_wf", "--xs", xs);
    const page = await env.open(`${executionPath(name)}?node=n0`);
    await waitForPhase(page, "SUCCEEDED");
    await page.locator('[data-node-id="n0"]').waitFor();
    assert.equal(await page.locator("[data-node-id]").count(), 1, "the map is one node in the graph");
    assert.equal(await page.locator('[data-node-id="n0"] .gnode-title').innerText(), "n0 · square", "labelled with the mapped task, not the generated map task");
    await page.locator('[data-histogram="30 succeeded"]').first().waitFor();
    await page.getByRole("table", { name: "Items of n0" }).locator("tbody tr").first().waitFor();
    assert.equal(await page.getByRole("table", { name: "Items of n0" }).locator("tbody tr").count(), 30);
    await env.shot(page, "execution-map");
    await page.getByRole("button", { name: "n0-7", exact: true }).click();
    await page.locator('[data-value="o0"]', { hasText: "49" }).first().waitFor();
    await page.context().close();
  });
});
