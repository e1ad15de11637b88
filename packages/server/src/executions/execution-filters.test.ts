import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { ExecutionMetadata_ExecutionMode as Mode, ExecutionSchema } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { parseExecutionFilters } from "./execution-filters.ts";

const withMode = (mode: Mode) => create(ExecutionSchema, { spec: { metadata: { mode } } });

test("eq(mode,X) keeps the executions of that mode, by name (any case) or FlyteAdmin's number", () => {
  for (const filter of ["eq(mode,SCHEDULED)", "eq(mode,scheduled)", "eq(mode,1)"]) {
    const { matches, scans } = parseExecutionFilters(filter);
    assert.equal(scans, true);
    assert.equal(matches(withMode(Mode.SCHEDULED)), true, filter);
    assert.equal(matches(withMode(Mode.MANUAL)), false, filter);
  }
});

test("value_in(mode,A;B) keeps either; an execution without metadata is MANUAL", () => {
  const { matches } = parseExecutionFilters("value_in(mode,RELAUNCH;MANUAL)");
  assert.equal(matches(withMode(Mode.RELAUNCH)), true);
  assert.equal(matches(create(ExecutionSchema, {})), true);
  assert.equal(matches(withMode(Mode.RECOVERED)), false);
});

test("an unknown mode is refused naming the modes", () => {
  assert.throws(() => parseExecutionFilters("eq(mode,HOURLY)"), /eq\(mode,HOURLY\)' names no execution mode; use one of MANUAL, SCHEDULED, SYSTEM, RELAUNCH, CHILD_WORKFLOW, RECOVERED/);
});

test("mode combines with the phase filter, which still goes to the store", () => {
  const parsed = parseExecutionFilters("eq(phase,FAILED)+eq(mode,RECOVERED)");
  assert.equal(parsed.phaseFilter, "eq(phase,FAILED)");
  assert.equal(parsed.matches(withMode(Mode.RECOVERED)), true);
});
