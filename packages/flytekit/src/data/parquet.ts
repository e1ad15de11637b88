/**
 * Parquet to Apache Arrow tables, with hyparquet (pure JavaScript, maintained, no install
 * scripts). Chosen by measurement over parquet-wasm (docs/data.md): it reads through byte ranges,
 * so a task reading 2 of 20 columns fetches only those columns' pages (from a local file or, with
 * HTTP ranges, from the server). Writing is in parquet-write.ts.
 */
import {
  Bool,
  Float32,
  Float64,
  Int32,
  Int64,
  makeVector,
  Table,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from "apache-arrow";
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from "hyparquet";
import { FlyteError } from "../errors.ts";
import type { DataStore } from "./store.ts";

export { writeParquet } from "./parquet-write.ts";

/** A Parquet object read through byte ranges, counting the bytes fetched. */
export interface RangeFile {
  readonly buffer: AsyncBuffer;
  /** Bytes fetched so far. */
  bytesRead: number;
}

/** A hyparquet `AsyncBuffer` over one object of a store. */
export async function rangeFile(store: DataStore, uri: string): Promise<RangeFile> {
  const size = await store.size(uri);
  const file: RangeFile = {
    bytesRead: 0,
    buffer: {
      byteLength: size,
      slice: async (start: number, end?: number) => {
        const bytes = await store.readRange(uri, start, end ?? size);
        file.bytesRead += bytes.byteLength;
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    },
  };
  return file;
}

/** The Arrow type of a Parquet leaf column. */
function arrowTypeOf(metadata: FileMetaData, name: string): DataType {
  const element = metadata.schema.find((s) => s.name === name);
  switch (element?.type) {
    case "INT32":
      return new Int32();
    case "INT64":
      return element.logical_type?.type === "TIMESTAMP" || element.converted_type === "TIMESTAMP_MILLIS" || element.converted_type === "TIMESTAMP_MICROS"
        ? new Utf8()
        : new Int64();
    case "FLOAT":
      return new Float32();
    case "DOUBLE":
      return new Float64();
    case "BOOLEAN":
      return new Bool();
    default:
      return new Utf8();
  }
}

/** Column names at the top of a Parquet schema. */
export function parquetColumns(metadata: FileMetaData): string[] {
  const root = metadata.schema[0];
  return metadata.schema.slice(1, 1 + (root?.num_children ?? 0)).map((s) => s.name);
}

function vectorOf(type: DataType, chunks: readonly { rowStart: number; data: ArrayLike<unknown> }[], nullable: boolean): Vector {
  const sorted = [...chunks].sort((a, b) => a.rowStart - b.rowStart);
  const total = sorted.reduce((n, c) => n + c.data.length, 0);
  if (!nullable) {
    // Numeric columns are copied chunk by chunk into one typed array (no boxed values in between).
    const fill = <T extends Int32Array | Float64Array | Float32Array | BigInt64Array>(out: T): T => {
      let at = 0;
      for (const c of sorted) {
        (out as unknown as { set(a: ArrayLike<unknown>, at: number): void }).set(c.data, at);
        at += c.data.length;
      }
      return out;
    };
    if (type instanceof Int32) return makeVector(fill(new Int32Array(total)));
    if (type instanceof Float64) return makeVector(fill(new Float64Array(total)));
    if (type instanceof Float32) return makeVector(fill(new Float32Array(total)));
    if (type instanceof Int64) return makeVector(fill(new BigInt64Array(total)));
  }
  const all: unknown[] = [];
  for (const c of sorted) for (let i = 0; i < c.data.length; i++) all.push(c.data[i]);
  const values = type instanceof Utf8 ? all.map((v) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v as string | number | bigint | boolean))) : all;
  return vectorFromArray(values.map((v) => v ?? null), type);
}

/**
 * Reads the Parquet object at `uri` as an Arrow table; with `columns`, only those columns' bytes
 * are fetched.
 *
 * @throws FlyteError `E_DATA_FORMAT` (not Parquet, or an unknown column), `E_DATA_NOT_FOUND`.
 */
export async function readParquet(store: DataStore, uri: string, what: string, columns?: readonly string[]): Promise<{ table: Table; bytesRead: number }> {
  const file = await rangeFile(store, uri);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file.buffer);
  } catch (err) {
    throw new FlyteError("E_DATA_FORMAT", `${what}: '${uri}' is not a valid Parquet file (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const available = parquetColumns(metadata);
  const wanted = columns === undefined ? available : [...columns];
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length > 0) {
    throw new FlyteError("E_DATA_FORMAT", `${what}: no column ${missing.map((c) => `'${c}'`).join(", ")} in '${uri}'; its columns are ${available.join(", ")}`);
  }
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>(wanted.map((c) => [c, []]));
  try {
    await parquetRead({
      file: file.buffer,
      metadata,
      columns: wanted,
      onChunk: (chunk) => chunks.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData }),
    });
  } catch (err) {
    throw new FlyteError("E_DATA_FORMAT", `${what}: '${uri}' is not a valid Parquet file (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const vectors: Record<string, Vector> = {};
  for (const name of wanted) {
    const element = metadata.schema.find((s) => s.name === name);
    vectors[name] = vectorOf(arrowTypeOf(metadata, name), chunks.get(name) ?? [], element?.repetition_type === "OPTIONAL");
  }
  return { table: new Table(vectors), bytesRead: file.bytesRead };
}
