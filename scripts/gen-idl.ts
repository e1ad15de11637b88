// Regenerates packages/idl/src/gen from the .proto files shipped in @flyteorg/flyteidl and our own
// protocols in packages/idl/proto.
//
// The service protos import google/api/annotations.proto (the `google.api.http` routes of
// FlyteAdmin's HTTP gateway) and the openapiv2 options (OpenAPI decorations); neither is shipped
// in the package. The HTTP annotations are kept: their two small protos come from protobufjs
// (a devDependency, which ships google/api/{annotations,http}.proto), so the generated service
// descriptors carry each method's HttpRule and the server's HTTP gateway builds its route table
// from them. The openapiv2 and grpc-gateway options are stripped: message and service
// descriptors (and so the wire format and RPC names) are unchanged.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const require = createRequire(join(root, "package.json"));
const protoRoot = join(dirname(require.resolve("@flyteorg/flyteidl/package.json")), "protos");
const outDir = join(root, "packages/idl/src/gen");
const work = mkdtempSync(join(tmpdir(), "flyteidl-gen-"));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Removes `option (grpc.gateway...) = {...};` style blocks, balancing braces. */
function stripOptions(source: string): string {
  const lines = source.split("\n");
  const kept: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (depth === 0 && /^\s*import "protoc-gen-openapiv2\//.test(line)) continue;
    if (depth === 0 && /^\s*option \((grpc\.gateway\.[\w.]+)\)/.test(line)) {
      depth = count(line, "{") - count(line, "}");
      continue;
    }
    if (depth > 0) {
      depth += count(line, "{") - count(line, "}");
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

cpSync(join(protoRoot, "flyteidl"), join(work, "flyteidl"), { recursive: true });
// Our own protocols (the worker protocol) live beside Flyte's and import its messages.
cpSync(join(root, "packages/idl/proto"), work, { recursive: true });
const googleApi = join(dirname(require.resolve("protobufjs/package.json")), "google/api");
for (const name of ["annotations.proto", "http.proto"]) cpSync(join(googleApi, name), join(work, "google/api", name));
for (const file of walk(work)) {
  if (file.endsWith(".proto")) writeFileSync(file, stripOptions(readFileSync(file, "utf8")));
}
writeFileSync(join(work, "buf.yaml"), "version: v2\n");
const plugin = join(root, "node_modules/.bin/protoc-gen-es");
writeFileSync(
  join(work, "buf.gen.yaml"),
  [
    "version: v2",
    "plugins:",
    `  - local: ${plugin}`,
    `    out: ${outDir}`,
    "    opt:",
    "      - target=js+dts",
    "      - import_extension=js",
    "",
  ].join("\n"),
);
rmSync(outDir, { recursive: true, force: true });
execFileSync(join(root, "node_modules/.bin/buf"), ["generate"], { cwd: work, stdio: "inherit" });
rmSync(work, { recursive: true, force: true });
console.log(`generated ${walk(outDir).length} files in ${outDir}`);
