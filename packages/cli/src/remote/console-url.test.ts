import assert from "node:assert/strict";
import { test } from "node:test";
import { executionConsoleUrl } from "./console-url.ts";

test("an execution's console URL follows flyteconsole's scheme on the API's origin", () => {
  assert.equal(executionConsoleUrl("http://127.0.0.1:30080", "flytesnacks", "development", "a1b2"), "http://127.0.0.1:30080/console/projects/flytesnacks/domains/development/executions/a1b2");
  assert.equal(executionConsoleUrl("https://flyte.example.com/", "p q", "dev", "x"), "https://flyte.example.com/console/projects/p%20q/domains/dev/executions/x");
});

test("endpoints that are not http(s) URLs have no console URL", () => {
  assert.equal(executionConsoleUrl("dns:///localhost:30080", "p", "d", "n"), undefined);
  assert.equal(executionConsoleUrl("not a url", "p", "d", "n"), undefined);
});
