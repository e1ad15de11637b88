/**
 * Apache Arrow tables to and from Parquet, with hyparquet and hyparquet-writer (pure JavaScript,
 * maintained, no install scripts). Chosen by measurement over parquet-wasm (docs/data.md): it reads
 * through byte ranges, so a task reading 2 of 20 columns fetches only those columns' pages (from a
 * local file or, with HTTP ranges, from the server), and it writes row groups to a file as it goes.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Bool,
  Float32,
  Float64,
  Int32,
  Int64,
  makeVector,
  Table,
  Type,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from "apache-arrow";
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from "hyparquet";
import { fileWriter, parquetWrite, type ColumnSource } from "hyparquet-writer";
import { FlyteError } from "../errors.ts";
import type { DataStore } from "./store.ts";

type BasicType = NonNullable<ColumnSource["type"]>;

/** The Parquet type of an Arrow column, and its values as hyparquet-writer takes them. */
function columnSource(name: string, vector: Vector<DataType>, what: string): ColumnSource {
  const nullable = vector.nullCount > 0;
  const values = (): unknown[] => Array.from(vector as Iterable<unknown>);
  const typed = <T>(fallback: () => T): T | unknown[] => (nullable ? values() : fallback());
  let type: BasicType;
  let data: ColumnSource["data"];
  const typeId: Type = (vector.type).typeId;
  switch (typeId) {
    case Type.Int: {
      const { bitWidth: bits, isSigned: signed } = vector.type as unknown as { bitWidth: number; isSigned: boolean };
      if (bits === 64 || (bits === 32 && !signed)) {
        type = "INT64";
        data = typed(() => BigInt64Array.from(vector as Iterable<bigint | number>, (v) => BigInt(v))) as ColumnSource["data"];
      } else {
        type = "INT32";
        data = typed(() => Int32Array.from(vector as Iterable<number>)) as ColumnSource["data"];
      }
      break;
    }
    case Type.Float:
      type = (vector.type as Float32).precision === (1 as Float32["precision"]) ? "FLOAT" : "DOUBLE";
      data = typed(() => (type === "FLOAT" ? Float32Array.from(vector as Iterable<number>) : Float64Array.from(vector as Iterable<number>))) as ColumnSource["data"];
      break;
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary: // tableFromArrays makes string columns dictionary-encoded
      if (typeId === Type.Dictionary && (vector.type as unknown as { dictionary: DataType }).dictionary.typeId !== Type.Utf8) {
        throw new FlyteError("E_DATA_FORMAT", `${what}: column '${name}' is a dictionary of non-strings; only dictionaries of strings are written to Parquet`);
      }
      type = "STRING";
      data = values();
      break;
    case Type.Bool:
      type = "BOOLEAN";
      data = values();
      break;
    case Type.Timestamp:
    case Type.Date:
      type = "TIMESTAMP";
      data = values().map((v) => (v === null || v === undefined ? null : new Date(v as number)));
      break;
    default:
      throw new FlyteError(
        "E_DATA_FORMAT",
        `${what}: column '${name}' has Arrow type ${Type[typeId]}, which is not written to Parquet yet; use integers, floats, strings, booleans or timestamps`,
      );
  }
  return { name, data, type, nullable };
}

/**
 * Writes `table` as one Parquet file at `uri` of `store`: row groups go to a local temporary file
 * as they are encoded, which is then streamed to the store.
 *
 * @returns the bytes written.
 */
export async function writeParquet(table: Table, store: DataStore, uri: string, what: string): Promise<number> {
  const columnData = table.schema.fields.map((f) => {
    const child = table.getChild(f.name);
    if (child === null) throw new FlyteError("E_DATA_FORMAT", `${what}: column '${f.name}' has no data`);
    return columnSource(f.name, child as Vector<DataType>, what);
  });
  const dir = await mkdtemp(join(tmpdir(), "flyte-parquet-"));
  try {
    const file = join(dir, "part.parquet");
    await parquetWrite({ writer: fileWriter(file), columnData, rowGroupSize: 1_000_000 });
    return (await store.write(uri, createReadStream(file))).size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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
  const all: unknown[] = [];
  for (const c of sorted) for (let i = 0; i < c.data.length; i++) all.push(c.data[i]);
  if (!nullable) {
    if (type instanceof Int32) return makeVector(Int32Array.from(all as number[]));
    if (type instanceof Float64) return makeVector(Float64Array.from(all as number[]));
    if (type instanceof Float32) return makeVector(Float32Array.from(all as number[]));
    if (type instanceof Int64) return makeVector(BigInt64Array.from(all as bigint[]));
  }
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
