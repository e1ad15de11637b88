import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { DataProxyService } from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { matchRoute, routeTable } from "./routes.ts";

describe("the route table from google.api.http annotations", () => {
  const routes = routeTable([AdminService, DataProxyService]);
  const rpcOf = (verb: string, path: string): string => {
    const m = matchRoute(routes, verb, path);
    return typeof m === "object" ? `${m.route.method.name} ${[...m.params].map(([k, v]) => `${k}=${v}`).join(" ")}` : String(m);
  };

  test("holds every annotated unary RPC with its additional bindings", () => {
    const names = new Set(routes.map((r) => r.method.name));
    for (const rpc of ["CreateExecution", "GetExecution", "ListExecutions", "ListNodeExecutions", "GetVersion", "ListProjects", "CreateUploadLocation"]) {
      assert.ok(names.has(rpc), rpc);
    }
    assert.ok(routes.filter((r) => r.method.name === "ListTasks").length >= 2, "ListTasks has additional bindings");
  });

  test("matches a path to its RPC and binds path variables to field paths", () => {
    assert.equal(rpcOf("GET", "/api/v1/executions/p/d/e1"), "GetExecution id.project=p id.domain=d id.name=e1");
    assert.equal(rpcOf("GET", "/api/v1/executions/p/d"), "ListExecutions id.project=p id.domain=d");
    assert.equal(rpcOf("POST", "/api/v1/executions"), "CreateExecution ");
    assert.equal(rpcOf("GET", "/api/v1/version"), "GetVersion ");
    assert.equal(rpcOf("GET", "/api/v1/named_entities/WORKFLOW/p/d/wf"), "GetNamedEntity resource_type=WORKFLOW id.project=p id.domain=d id.name=wf");
  });

  test("a path with other verbs is told apart from an unknown path", () => {
    assert.equal(rpcOf("DELETE", "/api/v1/version"), "method");
    assert.equal(rpcOf("GET", "/api/v1/nothing/here"), "undefined");
  });
});
