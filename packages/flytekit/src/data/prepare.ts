/**
 * The asynchronous step around the (synchronous) type engine for data values:
 *
 * - before outputs are encoded, what a task returned — a local path, a stream, an Arrow table —
 *   is written under the attempt's raw-output prefix and replaced by a `FlyteFile`,
 *   `FlyteDirectory` or `StructuredDataset` carrying its content hash (`prepareValues`, "upload");
 * - inputs of a local run that are local paths are checked and hashed in place ("reference");
 * - inputs a task receives are checked before its function runs (`verifyInputs`), so a missing
 *   file or a corrupt Parquet file fails naming the input, not deep inside user code.
 *
 * Data values are found through `.optional()`, `.nullable()`, `.default()`, arrays and records.
 */
import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { Readable } from "node:stream";
import type { z } from "zod";
import type { Table } from "apache-arrow";
import { FlyteError } from "../errors.ts";
import { defOf } from "../types/codec.ts";
import { dataKindOf, hasData, isArrowTable, type DataKind } from "../types/blob.ts";

export { hasData };
import { describeEntity } from "../types/messages.ts";
import { currentDataContext, currentStoreFor } from "./data-context.ts";
import { fileUriOf, localPathOf } from "./file-store.ts";
import { FlyteDirectory } from "./flyte-directory.ts";
import { FlyteFile } from "./flyte-file.ts";
import { hasScheme, joinUri } from "./store.ts";
import { StructuredDataset } from "./structured-dataset.ts";
import { hashLocalFile, hashLocalFolder, toNodeReadable, uploadLocalPath, uploadStream, type Uploaded } from "./upload.ts";

/** "upload": write local data into the current store; "reference": keep local files in place (local runs). */
export type PrepareMode = "upload" | "reference";

type Visit = (value: unknown, kind: DataKind, what: string) => Promise<unknown>;

/** Applies `visit` to every data value inside `value`, following `schema`. */
async function walk(value: unknown, schema: z.ZodType, what: string, visit: Visit): Promise<unknown> {
  if (value === undefined || value === null) return value;
  const kind = dataKindOf(schema);
  if (kind !== undefined) return visit(value, kind, what);
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return def.innerType === undefined ? value : walk(value, def.innerType, what, visit);
    case "array":
      return Array.isArray(value) && def.element !== undefined ? Promise.all(value.map((v, i) => walk(v, def.element as z.ZodType, `${what}[${i}]`, visit))) : value;
    case "record":
      if (def.valueType === undefined || typeof value !== "object") return value;
      return Object.fromEntries(
        await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await walk(v, def.valueType as z.ZodType, `${what}[${JSON.stringify(k)}]`, visit)] as const)),
      );
    default:
      return value;
  }
}

function unique(): string {
  return randomBytes(6).toString("hex");
}

async function localInfo(path: string, what: string) {
  try {
    return await stat(path);
  } catch {
    throw new FlyteError("E_DATA_NOT_FOUND", `${what}: no file or folder at '${path}' (resolved to ${resolve(path)}); check the path`);
  }
}

function checkExtension(path: string, format: string, what: string, noun: string): void {
  const ext = extname(path).slice(1).toLowerCase();
  if (format !== "" && ext !== "" && ext !== format.toLowerCase()) {
    throw new FlyteError("E_DATA_FORMAT", `${what} is declared as a ${noun}("${format}") but got '${basename(path)}' (a .${ext} file); pass a ${format} file or declare ${noun}()`);
  }
}

async function prepareFile(value: unknown, format: string, what: string, mode: PrepareMode): Promise<unknown> {
  const ctx = currentDataContext();
  let localPath: string | undefined;
  if (FlyteFile.isFlyteFile(value) || (typeof value === "string" && hasScheme(value))) {
    const uri = typeof value === "string" ? value : value.uri;
    if (ctx.stores.some((s) => s.accepts(uri))) return typeof value === "string" ? new FlyteFile(uri, { format }) : value;
    if (!uri.startsWith("file://") || mode === "reference") currentStoreFor(uri, what); // throws E_DATA_STORE
    localPath = localPathOf(uri);
  } else if (typeof value === "string") {
    localPath = value;
  } else if (value instanceof Readable || value instanceof ReadableStream) {
    const up = await uploadStream(toNodeReadable(value), currentStoreFor(ctx.rawPrefix, what), joinUri(ctx.rawPrefix, unique(), "data"), what);
    return new FlyteFile(up.uri, { format, hash: up.hash });
  } else {
    return value;
  }
  const info = await localInfo(localPath, what);
  if (!info.isFile()) throw new FlyteError("E_DATA_FORMAT", `${what}: '${localPath}' is a folder, not a file; declare the input or output as directory()`);
  checkExtension(localPath, format, what, "file");
  if (mode === "reference") return new FlyteFile(fileUriOf(resolve(localPath)), { format, hash: await hashLocalFile(localPath) });
  const up = await uploadLocal(localPath, false, what);
  return new FlyteFile(up.uri, { format, hash: up.hash });
}

/** Uploads a local file or folder under the raw prefix, or by content when the context says so. */
function uploadLocal(localPath: string, folder: boolean, what: string): Promise<Uploaded> {
  const ctx = currentDataContext();
  const place = ctx.contentPrefix !== undefined ? { byContent: ctx.contentPrefix } : { under: joinUri(ctx.rawPrefix, unique()) };
  return uploadLocalPath(localPath, folder, place, (uri) => currentStoreFor(uri, what), what);
}

async function prepareDirectory(value: unknown, format: string, what: string, mode: PrepareMode): Promise<unknown> {
  const ctx = currentDataContext();
  let localPath: string;
  if (FlyteDirectory.isFlyteDirectory(value) || (typeof value === "string" && hasScheme(value))) {
    const uri = typeof value === "string" ? value : value.uri;
    if (ctx.stores.some((s) => s.accepts(uri))) return typeof value === "string" ? new FlyteDirectory(uri, { format }) : value;
    if (!uri.startsWith("file://") || mode === "reference") currentStoreFor(uri, what);
    localPath = localPathOf(uri);
  } else if (typeof value === "string") {
    localPath = value;
  } else {
    return value;
  }
  const info = await localInfo(localPath, what);
  if (!info.isDirectory()) throw new FlyteError("E_DATA_FORMAT", `${what}: '${localPath}' is a file, not a folder; declare the input or output as file()`);
  if (mode === "reference") return new FlyteDirectory(fileUriOf(resolve(localPath)), { format, hash: await hashLocalFolder(localPath) });
  const up = await uploadLocal(localPath, true, what);
  return new FlyteDirectory(up.uri, { format, hash: up.hash });
}

async function prepareDataFrame(value: unknown, kind: Extract<DataKind, { kind: "dataframe" }>, what: string, mode: PrepareMode): Promise<unknown> {
  if (typeof value === "string") {
    const uri = hasScheme(value) ? value : fileUriOf(resolve(value));
    const ctx = currentDataContext();
    if (!hasScheme(value) && !ctx.stores.some((s) => s.accepts(uri)) && mode === "upload") {
      // A local Parquet file or folder given to a run whose store is not the local disk: uploaded.
      const info = await localInfo(value, what);
      const up = await uploadLocal(value, info.isDirectory(), what);
      return new StructuredDataset(up.uri, { format: kind.format });
    }
    if (!hasScheme(value)) await localInfo(value, what);
    currentStoreFor(uri, what);
    return new StructuredDataset(uri, { format: kind.format });
  }
  if (!isArrowTable(value)) return value;
  const table = value as Table;
  const names = table.schema.fields.map((f) => f.name);
  const missing = Object.keys(kind.columns).filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new FlyteError("E_DATA_FORMAT", `${what}: the table has no column ${missing.map((c) => `'${c}'`).join(", ")}, which the dataframe type declares; its columns are ${names.join(", ") || "none"}`);
  }
  const ctx = currentDataContext();
  const folder = joinUri(ctx.rawPrefix, unique());
  // Loaded on first use: Arrow and Parquet are heavy, and most tasks never touch a dataframe.
  const { writeParquet } = await import("./parquet.ts");
  await writeParquet(table, currentStoreFor(folder, what), joinUri(folder, "00000"), what);
  return new StructuredDataset(folder, { format: kind.format });
}

/**
 * Values with every data value ready to encode: local paths, streams and Arrow tables written to
 * the current store ("upload") or local paths checked and hashed in place ("reference").
 *
 * @throws FlyteError `E_DATA_NOT_FOUND`, `E_DATA_FORMAT`, `E_DATA_STORE`, `E_DATA_TRANSFER`, naming the value.
 */
export async function prepareValues(
  values: Record<string, unknown>,
  schemas: Readonly<Record<string, z.ZodType>>,
  entity: string,
  side: "input" | "output",
  mode: PrepareMode,
): Promise<Record<string, unknown>> {
  const names = Object.keys(schemas).filter((k) => values[k] !== undefined && hasData(schemas[k] as z.ZodType));
  if (names.length === 0) return values;
  const out = { ...values };
  for (const name of names) {
    out[name] = await walk(values[name], schemas[name] as z.ZodType, `${describeEntity(entity)} ${side} '${name}'`, (v, kind, what) => {
      if (kind.kind === "file") return prepareFile(v, kind.format, what, mode);
      if (kind.kind === "directory") return prepareDirectory(v, kind.format, what, mode);
      return prepareDataFrame(v, kind, what, mode);
    });
  }
  return out;
}

const PARQUET_MAGIC = "PAR1";

/**
 * Checks the data inputs a task is about to receive: each file exists in a store this attempt may
 * use, and each Parquet dataframe has Parquet's header and footer.
 *
 * @throws FlyteError `E_DATA_NOT_FOUND`, `E_DATA_STORE`, `E_DATA_FORMAT`, naming the input.
 */
export async function verifyInputs(values: Record<string, unknown>, schemas: Readonly<Record<string, z.ZodType>>, entity: string): Promise<void> {
  for (const name of Object.keys(schemas)) {
    const schema = schemas[name] as z.ZodType;
    if (values[name] === undefined || !hasData(schema)) continue;
    const where = `${describeEntity(entity)} input '${name}'`;
    await walk(values[name], schema, where, async (v, kind, what) => {
      const rethrow = (err: unknown): never => {
        if (err instanceof FlyteError && !err.message.startsWith(what)) throw new FlyteError(err.code, `${what}: ${err.message}`, { cause: err });
        throw err;
      };
      if (FlyteFile.isFlyteFile(v)) await currentStoreFor(v.uri, what).size(v.uri).catch(rethrow);
      if (FlyteDirectory.isFlyteDirectory(v)) currentStoreFor(v.uri, what);
      if (StructuredDataset.isStructuredDataset(v) && kind.format === "parquet") {
        const store = currentStoreFor(v.uri, what);
        const parts = await store.list(v.uri).catch(rethrow);
        for (const part of parts.length > 0 ? parts : [v.uri]) {
          const size = await store.size(part).catch(rethrow);
          const head = size >= 8 ? Buffer.from(await store.readRange(part, 0, 4)).toString("latin1") : "";
          const tail = size >= 8 ? Buffer.from(await store.readRange(part, size - 4, size)).toString("latin1") : "";
          if (head !== PARQUET_MAGIC || tail !== PARQUET_MAGIC) {
            throw new FlyteError("E_DATA_FORMAT", `${what}: '${part}' is not a Parquet file (no PAR1 header and footer); pass a Parquet dataframe`);
          }
        }
      }
      return v;
    });
  }
}
