/**
 * Files, directories and dataframes between the user's machine and a server: local paths given as
 * inputs of a remote run are uploaded (streamed) into the server's store before the execution is
 * created, and `flyte get execution NAME --download DIR` copies file outputs back.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Literal, LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BlobType_BlobDimensionality, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import {
  dataSchemaOfType,
  downloadTo,
  HttpStore,
  literalTypeOf,
  offloadLargeLiterals,
  prepareValues,
  resolveOffloaded,
  runInDataContext,
  transformerFor,
  type CallableEntity,
  type DataContext,
} from "flytekit/internal";

/**
 * The input literals of `natives`, with every local file, folder or Arrow table uploaded to the
 * server at `endpoint` (under `<project>/<domain>/inputs/...`) and literals over the offloading
 * threshold stored there too; URIs of the server's store pass as they are.
 */
export async function uploadInputs(
  entity: CallableEntity,
  natives: Record<string, unknown>,
  toLiterals: (natives: Record<string, unknown>) => LiteralMap,
  endpoint: string,
  project: string,
  domain: string,
): Promise<LiteralMap> {
  return runInDataContext(inputsDataContext(endpoint, project, domain), async () => {
    // Named as local runs name it ("workflow 'wf' input 'f': ..."), whatever the entity's kind.
    const literals = toLiterals(await prepareValues(natives, entity.signature.inputs, `${entity.kind} '${entity.name}'`, "input", "upload"));
    // Large inputs (a long list) go to the store too, so the execution request stays small.
    const types = Object.fromEntries(Object.entries(entity.signature.inputs).map(([k, s]) => [k, literalTypeOf(s)]));
    return offloadLargeLiterals(literals, types, `${entity.kind} '${entity.name}' input`);
  });
}

/**
 * Where a remote run's inputs go: the server's store. Local files and folders go to
 * `<project>/<domain>/inputs/content/<sha256>/<name>` (by content, so the same bytes keep their URI
 * and cache keys from run to run); tables and offloaded literals under `<project>/<domain>/inputs/<shard>/<id>`.
 */
function inputsDataContext(endpoint: string, project: string, domain: string): DataContext {
  const base = endpoint.replace(/\/+$/, "");
  const id = randomBytes(8).toString("hex");
  const inputs = `${base}/download/${encodeURIComponent(project)}/${encodeURIComponent(domain)}/inputs`;
  return { stores: [new HttpStore(base)], rawPrefix: `${inputs}/${id.slice(0, 2)}/${id}`, contentPrefix: `${inputs}/content` };
}

/**
 * Whether inputs of `type` hold files, directories or dataframes: one (given as a local path or a
 * URI), or a list or map of them (given as JSON of paths or URIs).
 */
export function isDataType(type: LiteralType): boolean {
  return dataSchemaOfType(type) !== undefined;
}

/**
 * Literals of file, directory and dataframe inputs for a registered entity whose source is not at
 * hand (`run --remote --launch-plan`): a local path or URI each (lists and maps of them as parsed
 * JSON). Local paths are uploaded to the server's store (streamed, hashed) as for any remote run;
 * URIs of the server's store pass as they are; others fail with `E_DATA_STORE` naming the input.
 */
export async function uploadDataInputs(
  entity: string,
  values: Readonly<Record<string, unknown>>,
  types: Readonly<Record<string, LiteralType>>,
  target: { readonly endpoint: string; readonly project: string; readonly domain: string },
): Promise<Record<string, Literal>> {
  const schemas = Object.fromEntries(Object.keys(values).map((k) => [k, dataSchemaOfType(types[k]!)!]));
  return runInDataContext(inputsDataContext(target.endpoint, target.project, target.domain), async () => {
    const prepared = await prepareValues(values, schemas, entity, "input", "upload");
    return Object.fromEntries(Object.entries(schemas).map(([k, schema]) => [k, transformerFor(schema).toLiteral(prepared[k], { entity, side: "input", variable: k })]));
  });
}

/** `map` with offloaded literals read back from the server's store (to print or download them). */
export function resolveOutputs(map: LiteralMap | undefined): Promise<LiteralMap | undefined> {
  return map === undefined ? Promise.resolve(undefined) : resolveOffloaded(map, "output");
}

/** One object to download: its URI and where it goes below the target folder. */
interface Download {
  readonly uri: string;
  readonly multipart: boolean;
  /** A dataframe: a folder of Parquet files, or (given as one local file) a single one. */
  readonly dataset?: boolean;
  readonly path: readonly string[];
}

function collect(literal: Literal, path: readonly string[], out: Download[]): void {
  const v = literal.value;
  if (v.case === "collection") v.value.literals.forEach((l, i) => collect(l, [...path, String(i)], out));
  else if (v.case === "map") for (const [k, l] of Object.entries(v.value.literals)) collect(l, [...path, k], out);
  else if (v.case === "scalar") {
    const s = v.value.value;
    if (s.case === "blob") out.push({ uri: s.value.uri, multipart: s.value.metadata?.type?.dimensionality === BlobType_BlobDimensionality.MULTIPART, path });
    else if (s.case === "structuredDataset") out.push({ uri: s.value.uri, multipart: true, dataset: true, path });
    else if (s.case === "union" && s.value.value !== undefined) collect(s.value.value, path, out);
  }
}

/**
 * Downloads every file, directory and dataframe among `outputs` into `dir`: a file output `o0`
 * becomes `dir/o0/<file name>`, a folder or dataframe `dir/o0/...` with its relative paths.
 *
 * @returns the local paths written.
 */
export async function downloadOutputs(outputs: LiteralMap, dir: string): Promise<string[]> {
  const wanted: Download[] = [];
  for (const [name, literal] of Object.entries(outputs.literals)) collect(literal, [name], wanted);
  const store = new HttpStore();
  const written: string[] = [];
  for (const d of wanted) {
    const target = join(dir, ...d.path);
    let listed = d.multipart ? await store.list(d.uri) : [];
    // A dataframe stored as one Parquet file (a local file uploaded as an input) lists nothing under it.
    const multipart = d.multipart && !(d.dataset === true && listed.length === 0);
    if (!multipart) listed = [d.uri];
    for (const f of listed) {
      const rel = multipart ? decodeURIComponent(f.slice(d.uri.replace(/\/+$/, "").length + 1)).split("/") : [decodeURIComponent(new URL(f).pathname.split("/").pop() ?? "file")];
      const local = join(target, ...rel);
      await downloadTo(f, local, `output '${d.path.join(".")}'`);
      written.push(local);
    }
  }
  return written;
}
