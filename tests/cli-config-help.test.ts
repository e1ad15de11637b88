// The CLI's habits that need no server: the config file and its precedence, `flyte config init`,
// help generated from code (`run FILE --help`, `run FILE ENTITY --help`), short usage errors,
// and `run --remote` refusing bad inputs and names before it bundles or reaches a server.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, type ProcessResult } from "./helpers.ts";

const FILE = "tests/testdata/cli-habits.ts";
// Nothing listens on port 1: a command that got as far as the server would fail differently.
const NO_SERVER = "http://127.0.0.1:1";

describe("config, help and usage errors", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  const flyte = (...args: string[]): Promise<ProcessResult> => flyteAsync(args, 60_000, env);
  const show = async (extraEnv: NodeJS.ProcessEnv = {}, ...args: string[]) => {
    const res = await flyteAsync(["config", "show", "--json", ...args], 60_000, { ...env, ...extraEnv });
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout) as Record<"endpoint" | "project" | "domain", { value: string; from: string }> & { file: string | null };
  };
  /** A usage error: exit 2, one or two lines, no usage text dumped. */
  const usageError = (res: ProcessResult, pattern: RegExp): void => {
    assert.equal(res.status, 2, res.stderr);
    const lines = res.stderr.trimEnd().split("\n");
    assert.ok(lines.length <= 2, `more than two lines:\n${res.stderr}`);
    assert.doesNotMatch(res.stderr, /usage:/);
    assert.match(res.stderr, pattern);
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "flyte-cli-config-"));
    // Blank variables count as unset, so the caller's own FLYTE_* settings cannot leak in.
    env = { HOME: home, FLYTE_CONFIG: "", FLYTE_ENDPOINT: "", FLYTE_PROJECT: "", FLYTE_DOMAIN: "" };
  });

  after(() => rmSync(home, { recursive: true, force: true }));

  test("settings come from flag, then environment, then the config file, then the defaults", async () => {
    const defaults = await show();
    assert.deepEqual(defaults.endpoint, { value: "http://127.0.0.1:30080", from: "default" });
    assert.equal(defaults.file, null);

    const homeFile = join(home, ".flyte", "config.yaml");
    mkdirSync(join(home, ".flyte"), { recursive: true });
    // flytectl's own keys (authType, logger) are accepted and ignored.
    writeFileSync(homeFile, "admin:\n  endpoint: dns:///127.0.0.1:9\n  insecure: true\n  authType: Pkce\nlogger:\n  level: 0\nproject: home-p\ndomain: home-d\n");
    const fromHome = await show();
    assert.deepEqual(fromHome.endpoint, { value: "http://127.0.0.1:9", from: `${homeFile}:2` });
    assert.deepEqual(fromHome.project, { value: "home-p", from: `${homeFile}:7` });
    assert.deepEqual(fromHome.domain, { value: "home-d", from: `${homeFile}:8` });

    // FLYTE_CONFIG replaces ~/.flyte/config.yaml (one file is read, as flytectl does).
    const other = join(home, "other.yaml");
    writeFileSync(other, "admin:\n  endpoint: flyte.example.com:443\nproject: other-p\n");
    const fromEnvFile = await show({ FLYTE_CONFIG: other });
    assert.deepEqual(fromEnvFile.endpoint, { value: "https://flyte.example.com:443", from: `${other}:2` });
    assert.equal(fromEnvFile.project.value, "other-p");
    assert.deepEqual(fromEnvFile.domain, { value: "development", from: "default" });

    // --config beats FLYTE_CONFIG.
    const third = join(home, "third.yaml");
    writeFileSync(third, "project: third-p\n");
    assert.equal((await show({ FLYTE_CONFIG: other }, "--config", third)).project.value, "third-p");

    // The environment beats the file; a flag beats the environment.
    const fromEnv = await show({ FLYTE_PROJECT: "env-p", FLYTE_ENDPOINT: "http://env-host:1" });
    assert.deepEqual(fromEnv.project, { value: "env-p", from: "FLYTE_PROJECT" });
    assert.deepEqual(fromEnv.endpoint, { value: "http://env-host:1", from: "FLYTE_ENDPOINT" });
    assert.equal(fromEnv.domain.value, "home-d");
    const fromFlag = await show({ FLYTE_PROJECT: "env-p" }, "--project", "flag-p", "--endpoint", "http://flag-host:2");
    assert.deepEqual(fromFlag.project, { value: "flag-p", from: "--project" });
    assert.deepEqual(fromFlag.endpoint, { value: "http://flag-host:2", from: "--endpoint" });
    rmSync(homeFile);
  });

  test("config init writes Flyte's format, and refuses to replace a file without --force", async () => {
    const path = join(home, "init", "config.yaml");
    const first = await flyte("config", "init", "--config", path);
    assert.equal(first.status, 0, first.stderr);
    const text = readFileSync(path, "utf8");
    assert.match(text, /^admin:\n {2}endpoint: dns:\/\/\/127\.0\.0\.1:30080\n {2}insecure: true\nproject: flytesnacks\ndomain: development\n$/m);
    const again = await flyte("config", "init", "--config", path, "--endpoint", "https://flyte.example.com");
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists already; pass --force to replace it/);
    const forced = await flyte("config", "init", "--config", path, "--endpoint", "https://flyte.example.com", "--project", "p2", "--force");
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(path, "utf8"), /endpoint: dns:\/\/\/flyte\.example\.com\n {2}insecure: false\nproject: p2/);
    const read = await show({}, "--config", path);
    assert.equal(read.endpoint.value, "https://flyte.example.com");
    assert.equal(read.project.value, "p2");
  });

  test("a config file with an unknown key or bad YAML is named with its line", async () => {
    const typo = join(home, "typo.yaml");
    writeFileSync(typo, "project: p\nadmin:\n  endpiont: dns:///x:1\n");
    const res = await flyte("get", "executions", "--config", typo);
    assert.equal(res.status, 1);
    assert.equal(res.stderr, `flyte: ${typo}:3: unknown key 'admin.endpiont'; flyte reads admin.endpoint, admin.insecure, project and domain\n`);
    const broken = join(home, "broken.yaml");
    writeFileSync(broken, "admin:\n  endpoint: [dns:///x:1\n");
    const bad = await flyte("config", "show", "--config", broken);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`^flyte: ${broken.replaceAll(".", "\\.")}:\\d+: not valid YAML: `));
    const missing = await flyte("get", "tasks", "--config", join(home, "nope.yaml"));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.yaml does not exist; write one with 'flyte config init --config /);
  });

  test("run FILE --help lists the file's entities with their kind and interface", async () => {
    const res = await flyte("run", FILE, "--help");
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^ {2}label_lp +launch plan +\(a: integer = 3, tag: string = "t"\) -> \(o0: string\)$/m);
    assert.match(res.stdout, /^ {2}label_wf +workflow +\(a: integer, region: string, tag: string = "t"\) -> \(o0: string\)$/m);
    assert.match(res.stdout, /^ {2}greet +task +\(who: string, punct: string = "!"\) -> \(o0: string\)$/m);
    assert.match(res.stdout, new RegExp(`Run 'flyte run ${FILE} ENTITY --help' for an entity's inputs\\.`));
  });

  test("run FILE ENTITY --help lists its inputs with types and defaults, and its outputs", async () => {
    const res = await flyte("run", FILE, "label_wf", "--help");
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^usage: flyte run ${FILE} label_wf --a INTEGER --region STRING \\[--tag STRING\\]$`, "m"));
    assert.match(res.stdout, /^ {2}--a integer +required$/m);
    assert.match(res.stdout, /^ {2}--tag string +default "t"$/m);
    assert.match(res.stdout, /^outputs:\n {2}o0: string$/m);
    const remote = await flyte("run", "--remote", FILE, "label_lp", "--help");
    assert.equal(remote.status, 0, remote.stderr);
    assert.match(remote.stdout, /^ {2}--a integer +default 3$/m);
    assert.doesNotMatch(remote.stdout, /--region/); // fixed by the launch plan
  });

  test("usage errors are one or two lines that say how to fix them", async () => {
    usageError(await flyte("run", FILE, "label_wf", "--a", "1"), new RegExp(`^flyte: missing input --region \\(string\\); run 'flyte run ${FILE} label_wf --help' for its inputs\\n$`));
    usageError(await flyte("run", FILE, "label_wf", "--a", "one", "--region", "x"), /--a must be a whole number, got 'one'; run 'flyte run .* label_wf --help' for its inputs/);
    usageError(await flyte("run", FILE, "label_wf", "--colour", "red"), /has no input or option --colour \(its inputs: --a, --region, --tag\)/);
    usageError(await flyte("run", FILE), /needs the ENTITY of .*; 'flyte run .* --help' lists them/);
    usageError(await flyte("get", "things"), /flyte get cannot get 'things'; use executions, .*launchplans\nrun 'flyte get --help' for its options\n$/);
    usageError(await flyte("get", "logs"), /flyte get logs needs an execution NAME/);
    usageError(await flyte("get", "executions", "--follow"), /--follow is an option of 'flyte get logs NAME'/);
    usageError(await flyte("relaunch", "x", "--name", "Not_Valid"), /--name 'Not_Valid' is not a valid execution name/);
    usageError(await flyte("config", "make"), /flyte config has no subcommand 'make'; use init or show/);
    usageError(await flyte("frobnicate"), /unknown command 'frobnicate'\nrun 'flyte --help' for the commands/);
  });

  test("run --remote checks inputs and --name before bundling, without a server", async () => {
    const at = ["--endpoint", NO_SERVER];
    usageError(await flyte("run", "--remote", FILE, "greet", "--who", "x", "--name", "Bad_Name", ...at), /--name 'Bad_Name' is not a valid execution name: use lower-case letters/);
    usageError(await flyte("run", "--remote", FILE, "greet", "--who", "x", "--name", `a${"b".repeat(63)}`, ...at), /is 64 characters long; execution names have at most 63/);
    usageError(await flyte("run", "--remote", FILE, "label_wf", "--a", "2", ...at), /missing input --region \(string\); run 'flyte run --remote .* label_wf --help'/);
    usageError(await flyte("run", "--remote", FILE, "label_wf", "--a", "2.5", "--region", "x", ...at), /--a must be a whole number/);
    // With valid inputs the same command does reach for the server.
    const res = await flyte("run", "--remote", FILE, "greet", "--who", "x", "--name", "fine-name", ...at);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /cannot reach the server at http:\/\/127\.0\.0\.1:1/);
  });
});
