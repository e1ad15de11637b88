// `flyte serialize` of files, directories and dataframes, read back with Flyte's OWN generated code
// (the protobufjs module in @flyteorg/flyteidl): the blob types (format, SINGLE / MULTIPART) and
// structured dataset types (format, columns) are what a Python-authored Flyte workflow declares.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { equals, fromBinary } from "@bufbuild/protobuf";
import { TaskSpecSchema } from "@flyte/idl/gen/flyteidl/admin/task_pb.js";
import { flyte, type ProcessResult } from "./helpers.ts";

// Flyte's pb-js module: only the fields read here, typed at this one boundary.
interface PbLiteralType {
  simple: number;
  blob?: { format: string; dimensionality: number };
  structuredDatasetType?: { format: string; columns: { name: string; literalType?: PbLiteralType }[] };
}
interface PbTaskSpec {
  template?: { interface?: { inputs?: { variables: Record<string, { type?: PbLiteralType }> }; outputs?: { variables: Record<string, { type?: PbLiteralType }> } } };
}
interface PbFlyteIdl {
  core: { SimpleType: Record<"INTEGER" | "STRING", number>; BlobType: { BlobDimensionality: Record<"SINGLE" | "MULTIPART", number> } };
  admin: { TaskSpec: { decode(bytes: Uint8Array): PbTaskSpec; encode(m: PbTaskSpec): { finish(): Uint8Array } } };
}

const { flyteidl } = createRequire(import.meta.url)("@flyteorg/flyteidl/gen/pb-js/flyteidl.js") as { flyteidl: PbFlyteIdl };
const { SINGLE, MULTIPART } = flyteidl.core.BlobType.BlobDimensionality;

describe("flyte serialize of file(), directory() and dataFrame(), read with Flyte's own pb-js", () => {
  let out = "";
  let run: ProcessResult = { status: null, stdout: "", stderr: "" };
  const spec = (task: string): PbTaskSpec => {
    const file = readdirSync(out).find((f) => f.endsWith(`_${task}_1.pb`));
    assert.ok(file !== undefined, `no task spec for ${task} in ${readdirSync(out).join(", ")}`);
    const bytes = readFileSync(join(out, file));
    const reencoded = flyteidl.admin.TaskSpec.encode(flyteidl.admin.TaskSpec.decode(bytes)).finish();
    assert.ok(equals(TaskSpecSchema, fromBinary(TaskSpecSchema, reencoded), fromBinary(TaskSpecSchema, bytes)), `${file} changed going through pb-js`);
    return flyteidl.admin.TaskSpec.decode(bytes);
  };

  before(() => {
    out = mkdtempSync(join(tmpdir(), "flyte-serialize-data-"));
    run = flyte("serialize", "tests/testdata/data-remote.ts", "--out", out);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test("the command succeeds", () => {
    assert.equal(run.status, 0, run.stderr);
  });

  test("file('csv') is a single blob of format csv; file() a generic one", () => {
    const shout = spec("tests.testdata.data-remote.shout_file").template?.interface;
    const f = shout?.inputs?.variables["f"]?.type?.blob;
    assert.deepEqual({ format: f?.format, dimensionality: f?.dimensionality }, { format: "csv", dimensionality: SINGLE });
    const o = shout?.outputs?.variables["o0"]?.type?.blob;
    assert.deepEqual({ format: o?.format, dimensionality: o?.dimensionality }, { format: "csv", dimensionality: SINGLE });
    const generic = spec("tests.testdata.data-remote.count_lines").template?.interface?.inputs?.variables["f"]?.type?.blob;
    assert.deepEqual({ format: generic?.format, dimensionality: generic?.dimensionality }, { format: "", dimensionality: SINGLE });
  });

  test("directory('txt') is a multipart blob", () => {
    const d = spec("tests.testdata.data-remote.make_folder").template?.interface?.outputs?.variables["o0"]?.type?.blob;
    assert.deepEqual({ format: d?.format, dimensionality: d?.dimensionality }, { format: "txt", dimensionality: MULTIPART });
  });

  test("dataFrame({ columns }) is a parquet structured dataset with its columns", () => {
    const sd = spec("tests.testdata.data-remote.make_frame").template?.interface?.outputs?.variables["o0"]?.type?.structuredDatasetType;
    assert.equal(sd?.format, "parquet");
    assert.deepEqual(
      sd?.columns.map((c) => [c.name, c.literalType?.simple]),
      [
        ["k", flyteidl.core.SimpleType.STRING],
        ["v", flyteidl.core.SimpleType.INTEGER],
      ],
    );
  });
});
