/**
 * Helpers for the console's browser tests: a real `flyte start` with workers and the console's
 * test workflows registered, Debian's Chromium driven by playwright-core (no browser is ever
 * downloaded), and screenshots saved under test-artifacts/ (git-ignored) for people to look at.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { flyteAsync, ROOT } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

/** Where the browser is: Debian's package (`.ci/run` installs it), or FLYTE_CHROMIUM. */
export const CHROMIUM = process.env["FLYTE_CHROMIUM"] ?? "/usr/bin/chromium";
/** Screenshots of the main pages, for people to look at (git-ignored). */
export const ARTIFACTS = join(ROOT, "test-artifacts");
/** Generous: the suite shares two cores with everything else. */
export const UI_TIMEOUT_MS = 60_000;

/** A server with the console's workflows registered, and a browser. */
export interface ConsoleEnv {
  readonly server: ServerProcess;
  readonly browser: Browser;
  /** `flyte` against the server (project flytesnacks, domain development); throws on failure. */
  flyte(...args: string[]): Promise<string>;
  /** Starts launch plan `lp` with CLI-style inputs; returns the execution name. */
  launch(lp: string, ...inputs: string[]): Promise<string>;
  /** A new page (its own context) on `path` of the console; `dark` emulates a dark system theme. */
  open(path: string, options?: { dark?: boolean }): Promise<Page>;
  /** Saves a full-page screenshot as test-artifacts/NAME.png. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** The execution page path of `name` in flytesnacks/development. */
export function executionPath(name: string): string {
  return `/console/projects/flytesnacks/domains/development/executions/${name}`;
}

/** Starts everything; call `close()` in `after`. */
export async function startConsoleEnv(): Promise<ConsoleEnv> {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: install Debian's chromium ('apt-get install -y chromium', as .ci/run does) or set FLYTE_CHROMIUM to a Chromium binary`);
  const home = mkdtempSync(join(tmpdir(), "flyte-console-test-"));
  const env = { XDG_DATA_HOME: join(home, "data"), XDG_CACHE_HOME: join(home, "cache"), XDG_CONFIG_HOME: join(home, "config"), HOME: home };
  const server = await startServerProcess(join(home, "server"), ["--workers", "2"], env);
  const flyte = async (...args: string[]): Promise<string> => {
    const res = await flyteAsync([...args, "--endpoint", server.url], 240_000, env);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
    return res.stdout;
  };
  let browser: Browser | undefined;
  try {
    await flyte("register", "tests/testdata/console/flows.ts");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  } catch (error) {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const b = browser;
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    browser: b,
    flyte,
    async launch(lp, ...inputs) {
      return (await flyte("run", "--remote", "--launch-plan", lp, ...inputs)).trim();
    },
    async open(path, options = {}) {
      const context = await b.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: options.dark === true ? "dark" : "light" });
      context.setDefaultTimeout(UI_TIMEOUT_MS);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}${path}`);
      return page;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await b.close();
      await server.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
