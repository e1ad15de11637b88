// `flyte serialize` of gates, failure handlers and cacheable tasks, read back with Flyte's OWN
// generated code (pb-js in @flyteorg/flyteidl): GateNodes, WorkflowTemplate.failure_node and
// task metadata (discoverable, discovery_version, cache_serializable, ignored inputs, retries).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyte, type ProcessResult } from "./helpers.ts";

interface PbDuration {
  seconds: number | { toNumber(): number };
  nanos: number;
}
interface PbNode {
  id: string;
  metadata?: { timeout?: PbDuration; cacheable?: boolean };
  inputs: { var: string; binding?: { promise?: { nodeId: string; var: string } } }[];
  upstreamNodeIds: string[];
  taskNode?: { referenceId?: { name: string } };
  gateNode?: {
    sleep?: { duration?: PbDuration };
    signal?: { signalId: string; type?: { simple: number }; outputVariableName: string };
    approve?: { signalId: string };
  };
}
interface PbWorkflowSpec {
  template?: { nodes: PbNode[]; failureNode?: PbNode | null; metadata?: { onFailure: number } };
}
interface PbTaskSpec {
  template?: {
    metadata?: { discoverable: boolean; discoveryVersion: string; cacheSerializable: boolean; cacheIgnoreInputVars: string[]; retries?: { retries: number } };
  };
}
interface PbCodec<T> {
  decode(bytes: Uint8Array): T;
}
const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as {
  flyteidl: { admin: { WorkflowSpec: PbCodec<PbWorkflowSpec>; TaskSpec: PbCodec<PbTaskSpec> }; core: { SimpleType: Record<"STRING", number> } };
};

const seconds = (d: PbDuration | undefined): number => (d === undefined ? 0 : typeof d.seconds === "number" ? d.seconds : d.seconds.toNumber());

describe("flyte serialize of gates, failure handlers and cacheable tasks, read with Flyte's pb-js", () => {
  let out = "";
  let run: ProcessResult = { status: null, stdout: "", stderr: "" };
  const workflowSpec = (file: string) => flyteidl.admin.WorkflowSpec.decode(readFileSync(join(out, file)));
  const taskSpec = (file: string) => flyteidl.admin.TaskSpec.decode(readFileSync(join(out, file)));

  before(() => {
    out = mkdtempSync(join(tmpdir(), "flyte-serialize-gates-"));
    run = flyte("serialize", "examples/composition/gates.ts", "examples/composition/failure-handling.ts", "examples/composition/caching.ts", "--out", out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("the command succeeds", () => {
    assert.equal(run.status, 0, run.stderr);
  });

  test("gates are GateNodes with sleep, signal and approve conditions and their timeouts", () => {
    const nodes = workflowSpec("8_report_wf_2.pb").template?.nodes ?? [];
    const sleep = nodes.find((n) => n.gateNode?.sleep);
    assert.equal(sleep?.gateNode?.sleep?.duration?.nanos, 50_000_000);
    const signal = nodes.find((n) => n.gateNode?.signal)?.gateNode?.signal;
    assert.deepEqual({ id: signal?.signalId, out: signal?.outputVariableName, type: signal?.type?.simple }, { id: "title", out: "o0", type: flyteidl.core.SimpleType.STRING });
    assert.equal(seconds(nodes.find((n) => n.gateNode?.signal)?.metadata?.timeout), 600);
    const approve = nodes.find((n) => n.gateNode?.approve);
    assert.equal(approve?.gateNode?.approve?.signalId, "publish");
    assert.equal(seconds(approve?.metadata?.timeout), 3600);
    const total = nodes.find((n) => n.taskNode?.referenceId?.name === "total");
    assert.deepEqual(approve?.inputs.map((b) => `${b.var} ← ${b.binding?.promise?.nodeId}.${b.binding?.promise?.var}`), [`o0 ← ${total?.id}.o0`]);
    assert.ok(total?.upstreamNodeIds.includes(sleep?.id ?? "?"), "the sleep runs before the task it was ordered with");
  });

  test("onFailure is the template's failure node fn0 bound to the workflow inputs, with the failure policy", () => {
    const template = workflowSpec("10_cluster_wf_2.pb").template;
    assert.equal(template?.failureNode?.id, "fn0");
    assert.equal(template?.failureNode?.taskNode?.referenceId?.name, "clean_up");
    assert.deepEqual(template?.failureNode?.inputs.map((b) => b.var), ["size", "err"]);
    assert.equal(template?.failureNode?.inputs[0]?.binding?.promise?.nodeId, "start-node");
    assert.equal(template?.metadata?.onFailure, 1, "FAIL_AFTER_EXECUTABLE_NODES_COMPLETE");
  });

  test("cacheable tasks carry discoverable, their version, ignored inputs and retries", () => {
    const square = taskSpec("7_slow_square_1.pb").template?.metadata;
    assert.equal(square?.discoverable, true);
    assert.equal(square?.discoveryVersion, "1");
    assert.deepEqual(square?.cacheIgnoreInputVars, ["note"]);
    assert.equal(square?.retries?.retries ?? 0, 0);
    const plusOne = taskSpec("6_plus_one_1.pb").template?.metadata;
    assert.equal(plusOne?.discoverable, true);
    assert.match(plusOne?.discoveryVersion ?? "", /^[0-9a-f]{16}$/, "derived from the source and interface");
    const render = taskSpec("0_render_1.pb").template?.metadata;
    assert.equal(render?.discoverable, false);
    assert.equal(render?.discoveryVersion, "");
  });
});
