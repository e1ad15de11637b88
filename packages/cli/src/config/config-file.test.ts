import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "./config-file.ts";
import { endpointUrl, flyteEndpointOf, resolveConfig } from "./resolve.ts";

describe("config file", () => {
  test("reads admin.endpoint, admin.insecure, project and domain with their lines", () => {
    const config = parseConfig("# mine\nadmin:\n  endpoint: dns:///h:1\n  insecure: true\nproject: p\ndomain: d\n", "c.yaml");
    assert.deepEqual(config, {
      path: "c.yaml",
      endpoint: { value: "dns:///h:1", line: 3 },
      insecure: { value: true, line: 4 },
      project: { value: "p", line: 5 },
      domain: { value: "d", line: 6 },
    });
  });

  test("accepts what flytectl and pyflyte write beside, and an empty file", () => {
    const text = "admin:\n  endpoint: dns:///h:1\n  authType: Pkce\n  insecureSkipVerify: true\nlogger:\n  show-source: true\nstorage:\n  type: stow\nconsole:\n  endpoint: http://h\n";
    assert.equal(parseConfig(text, "c.yaml").endpoint?.value, "dns:///h:1");
    assert.deepEqual(parseConfig("", "c.yaml"), { path: "c.yaml" });
  });

  test("rejects unknown keys, wrong types and bad YAML, naming the file and line", () => {
    assert.throws(() => parseConfig("admin:\n  endpoint: x\n  endpiont: y\n", "c.yaml"), { message: /^c\.yaml:3: unknown key 'admin\.endpiont'/ });
    assert.throws(() => parseConfig("projct: p\n", "c.yaml"), { message: /^c\.yaml:1: unknown key 'projct'/ });
    assert.throws(() => parseConfig("admin:\n  insecure: maybe\n", "c.yaml"), { message: "c.yaml:2: admin.insecure must be true or false" });
    assert.throws(() => parseConfig("project: p\nproject: q\n", "c.yaml"), ConfigError);
    assert.throws(() => parseConfig("admin: [\n", "c.yaml"), { message: /^c\.yaml:\d+: not valid YAML/ });
    assert.throws(() => parseConfig("- a\n- b\n", "c.yaml"), { message: /^c\.yaml:1: a config file is a map/ });
  });
});

describe("endpoints", () => {
  test("dns:///, host:port and URLs become http(s) URLs; insecure picks http when there is no scheme", () => {
    assert.equal(endpointUrl("dns:///localhost:30080", true), "http://localhost:30080");
    assert.equal(endpointUrl("dns:///flyte.example.com", undefined), "https://flyte.example.com");
    assert.equal(endpointUrl("localhost:30080", false), "https://localhost:30080");
    assert.equal(endpointUrl("http://127.0.0.1:30080/", false), "http://127.0.0.1:30080");
    assert.throws(() => endpointUrl("grpc://h:1", true), /is not a server address/);
    assert.throws(() => endpointUrl("http://h:1/path", true), /is not a server address/);
  });

  test("URLs are written in Flyte's syntax", () => {
    assert.deepEqual(flyteEndpointOf("http://127.0.0.1:30080"), { endpoint: "dns:///127.0.0.1:30080", insecure: true });
    assert.deepEqual(flyteEndpointOf("https://flyte.example.com"), { endpoint: "dns:///flyte.example.com", insecure: false });
  });
});

describe("resolution", () => {
  test("flag beats environment beats the file beats the defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyte-config-"));
    try {
      const file = join(dir, "c.yaml");
      writeFileSync(file, "admin:\n  endpoint: h:1\n  insecure: true\nproject: fp\n");
      const options = new Map([["config", [file]]]);
      const fromFile = resolveConfig(options, {});
      assert.deepEqual([fromFile.endpoint, fromFile.project, fromFile.domain], [
        { value: "http://h:1", from: `${file}:2` },
        { value: "fp", from: `${file}:4` },
        { value: "development", from: "default" },
      ]);
      const fromEnv = resolveConfig(options, { FLYTE_PROJECT: "ep", FLYTE_ENDPOINT: "e:2" });
      assert.deepEqual([fromEnv.project.value, fromEnv.endpoint.value], ["ep", "http://e:2"]); // the file's insecure applies
      const fromFlag = resolveConfig(new Map([...options, ["project", ["xp"]]]), { FLYTE_PROJECT: "ep" });
      assert.deepEqual(fromFlag.project, { value: "xp", from: "--project" });
      assert.throws(() => resolveConfig(new Map([["project", ["bad project"]]]), { FLYTE_CONFIG: file }), /project 'bad project' \(from --project\)/);
      assert.throws(() => resolveConfig(new Map(), { FLYTE_CONFIG: join(dir, "missing.yaml") }), /missing\.yaml does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
