/**
 * Apache Arrow tables to Parquet with hyparquet-writer (pure JavaScript, no install scripts),
 * streamed: the table is encoded one row group at a time, and encoded bytes go straight to the
 * store as they are produced — no temporary file, no whole file in memory. Memory beyond the table
 * itself is one row group's converted columns and encoded bytes.
 *
 * Numeric columns without nulls are handed to the encoder as the Arrow vector's own typed array
 * (`toArray()` of a single-chunk slice is a view): converting them value by value through the
 * vector's iterator was most of the write time before (docs/data.md).
 */
import { PassThrough } from "node:stream";
import { Type, type DataType, type Table, type Vector } from "apache-arrow";
import type { SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter, schemaFromColumnData, type ColumnSource } from "hyparquet-writer";
import { FlyteError } from "../errors.ts";
import type { DataStore } from "./store.ts";

type BasicType = NonNullable<ColumnSource["type"]>;

/** Values per row group (rows × columns): about 4 million, so one group's bytes stay in the tens of MB. */
const GROUP_VALUES = 4_000_000;
/** Encoded bytes gathered before they are handed to the store. */
const PUSH_BYTES = 1024 * 1024;

/** How one Arrow column is written: its Parquet type and how a slice of it becomes encoder input. */
interface ColumnPlan {
  readonly name: string;
  readonly type: BasicType;
  readonly nullable: boolean;
  data(slice: Vector<DataType>): ColumnSource["data"];
}

const asArray = (v: Vector<DataType>): unknown[] => Array.from(v as Iterable<unknown>);

/** Plans the column `name` of the table (its type decides the Parquet type for every row group). */
function planColumn(name: string, vector: Vector<DataType>, what: string): ColumnPlan {
  const nullable = vector.nullCount > 0;
  // Columns with nulls go as plain arrays (null where missing); the encoder builds definition levels.
  const typed = (fast: (v: Vector<DataType>) => ColumnSource["data"]) => (nullable ? asArray : fast);
  const typeId: Type = vector.type.typeId;
  switch (typeId) {
    case Type.Int: {
      const { bitWidth: bits, isSigned: signed } = vector.type as unknown as { bitWidth: number; isSigned: boolean };
      if (bits === 64) {
        const data = typed((v) => {
          const a = v.toArray() as BigInt64Array | BigUint64Array;
          return a instanceof BigInt64Array ? a : BigInt64Array.from(a, (x) => BigInt.asIntN(64, x));
        });
        return { name, type: "INT64", nullable, data };
      }
      if (bits === 32 && !signed) {
        return { name, type: "INT64", nullable, data: typed((v) => BigInt64Array.from(v.toArray() as Uint32Array, (x) => BigInt(x))) };
      }
      return {
        name,
        type: "INT32",
        nullable,
        data: typed((v) => {
          const a = v.toArray() as Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;
          return a instanceof Int32Array ? a : Int32Array.from(a);
        }),
      };
    }
    case Type.Float: {
      const double = (vector.type as unknown as { precision: number }).precision === 2;
      return {
        name,
        type: double ? "DOUBLE" : "FLOAT",
        nullable,
        data: typed((v) => {
          const a = v.toArray() as Float64Array | Float32Array | Uint16Array;
          if (double) return a instanceof Float64Array ? a : Float64Array.from(a);
          return a instanceof Float32Array ? a : Float32Array.from(asArray(v) as number[]);
        }),
      };
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Dictionary: // tableFromArrays makes string columns dictionary-encoded
      if (typeId === Type.Dictionary && (vector.type as unknown as { dictionary: DataType }).dictionary.typeId !== Type.Utf8) {
        throw new FlyteError("E_DATA_FORMAT", `${what}: column '${name}' is a dictionary of non-strings; only dictionaries of strings are written to Parquet`);
      }
      return { name, type: "STRING", nullable, data: asArray };
    case Type.Bool:
      return { name, type: "BOOLEAN", nullable, data: asArray };
    case Type.Timestamp:
    case Type.Date:
      return { name, type: "TIMESTAMP", nullable, data: (v) => asArray(v).map((x) => (x === null || x === undefined ? null : new Date(x as number))) };
    default:
      throw new FlyteError(
        "E_DATA_FORMAT",
        `${what}: column '${name}' has Arrow type ${Type[typeId]}, which is not written to Parquet yet; use integers, floats, strings, booleans or timestamps`,
      );
  }
}

/**
 * A hyparquet-writer `Writer` that hands its bytes to `out` in ~1 MiB pieces as the encoder
 * produces them; after each row group, `flush()` waits for `out` to drain (backpressure between
 * row groups: the encoder itself is synchronous).
 */
class StreamWriter extends ByteWriter {
  readonly #out: PassThrough;

  constructor(out: PassThrough) {
    super(PUSH_BYTES * 2);
    this.#out = out;
  }

  #push(): void {
    if (this.index === 0) return;
    // A copy: the buffer is reused for the next bytes.
    this.#out.write(Buffer.from(new Uint8Array(this.buffer, 0, this.index)));
    this.index = 0;
  }

  override ensure(size: number): void {
    if (this.index > PUSH_BYTES) this.#push();
    super.ensure(size);
  }

  flush(): Promise<void> | undefined {
    this.#push();
    if (!this.#out.writableNeedDrain) return undefined;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#out.once("error", onError);
      this.#out.once("drain", () => {
        this.#out.off("error", onError);
        resolve();
      });
    });
  }

  override finish(): void {
    this.#push();
    this.#out.end();
  }
}

/** Rows per row group for a table of `columns` columns. */
export function rowGroupRows(columns: number): number {
  return Math.min(1_000_000, Math.max(10_000, Math.floor(GROUP_VALUES / Math.max(1, columns))));
}

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions {
  /** Rows per row group. @default {@link rowGroupRows} of the table's column count */
  readonly rowsPerGroup?: number;
}

/**
 * Writes `table` as one Parquet file at `uri` of `store`, a row group at a time, streamed.
 *
 * @returns the bytes written.
 * @throws FlyteError `E_DATA_FORMAT` for a column type Parquet is not written with yet; the
 *   store's errors (`E_DATA_TRANSFER`) when the write fails — nothing is left at `uri`.
 */
export async function writeParquet(table: Table, store: DataStore, uri: string, what: string, options: WriteParquetOptions = {}): Promise<number> {
  const plans = table.schema.fields.map((f) => {
    const child = table.getChild(f.name);
    if (child === null) throw new FlyteError("E_DATA_FORMAT", `${what}: column '${f.name}' has no data`);
    return planColumn(f.name, child as Vector<DataType>, what);
  });
  const out = new PassThrough({ highWaterMark: PUSH_BYTES * 4 });
  const written = store.write(uri, out);
  // If the store fails first, stop encoding at the next row group.
  let storeFailed: unknown;
  written.catch((err: unknown) => {
    storeFailed = err;
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  try {
    const empty = plans.map((p) => ({ name: p.name, type: p.type, nullable: p.nullable, data: [] as unknown[] }));
    const schema: SchemaElement[] = schemaFromColumnData({ columnData: empty });
    const writer = new ParquetWriter({ writer: new StreamWriter(out), schema });
    const step = options.rowsPerGroup ?? rowGroupRows(plans.length);
    for (let start = 0; start < table.numRows; start += step) {
      if (storeFailed !== undefined) break;
      const end = Math.min(table.numRows, start + step);
      const slice = table.slice(start, end);
      const columnData = plans.map((p) => ({ name: p.name, data: p.data(slice.getChild(p.name) as Vector<DataType>) }));
      await writer.write({ columnData, rowGroupSize: end - start });
    }
    if (storeFailed === undefined) await writer.finish();
  } catch (err) {
    out.destroy(err instanceof Error ? err : new Error(String(err)));
    await written.catch(() => undefined);
    throw err;
  }
  return (await written).size;
}
