import assert from "node:assert/strict";
import { test } from "node:test";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@flyte/idl/gen/flyteidl/core/compiler_pb.js";
import { TaskTemplateSchema } from "@flyte/idl/gen/flyteidl/core/tasks_pb.js";
import { closureTaskTemplates } from "./closure-task-templates.ts";

// Read from the bytes, the templates must be those of the decoded closure's `tasks`.
test("a closure's task templates are found by name from its bytes, as in the decoded closure", () => {
  const task = (name: string, type: string) => ({ template: { id: { project: "p", domain: "d", name, version: "v1" }, type } });
  const closure = create(CompiledWorkflowClosureSchema, {
    primary: { template: { id: { name: "wf" }, nodes: Array.from({ length: 50 }, (_, i) => ({ id: `n${i}` })) } },
    subWorkflows: [{ template: { id: { name: "sub" } } }],
    tasks: [task("flows.inc", "container"), task("flows.map_inc_0a1b2c3d", "container_array"), task("flows.inc", "duplicate")],
  });
  const templates = closureTaskTemplates(toBinary(CompiledWorkflowClosureSchema, closure));
  for (const name of ["flows.inc", "flows.map_inc_0a1b2c3d"]) {
    const expected = closure.tasks.find((t) => t.template?.id?.name === name)?.template;
    assert.ok(expected !== undefined && equals(TaskTemplateSchema, templates(name) ?? create(TaskTemplateSchema), expected), name);
  }
  assert.equal(templates("flows.inc")?.type, "container", "the first of a name, as tasks.find");
  assert.equal(templates("flows.inc"), templates("flows.inc"), "decoded once");
  assert.equal(templates("missing"), undefined);
  assert.equal(closureTaskTemplates(new Uint8Array())("flows.inc"), undefined);
});
