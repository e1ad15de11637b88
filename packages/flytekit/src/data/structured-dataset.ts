/**
 * `StructuredDataset`: a dataframe in a Flyte store, as flytekit lays it out — a folder holding
 * Parquet files (`<uri>/00000`, ...) — read into an Apache Arrow table on demand.
 */
import type { Table } from "apache-arrow";
import { currentStoreFor } from "./data-context.ts";

const SD_BRAND = Symbol.for("flytekit.StructuredDataset");

/** Options of {@link StructuredDataset}. */
export interface StructuredDatasetOptions {
  /** The storage format. @default "parquet" */
  readonly format?: string;
  /** The content hash, when known. @default unknown */
  readonly hash?: string;
}

/** Options of {@link StructuredDataset.toArrow}. */
export interface ToArrowOptions {
  /** Read only these columns (only their bytes are fetched). @default every column */
  readonly columns?: readonly string[];
}

/**
 * A dataframe, as a task receives a `dataFrame()` input. Return one (or an `apache-arrow` Table)
 * from a task for a `dataFrame()` output.
 *
 * @example
 * const total = task({ inputs: { df: dataFrame() }, outputs: z.number() }, async ({ df }) => {
 *   const t = await df.toArrow({ columns: ["amount"] });
 *   return [...t.getChild("amount")!].reduce((a, b) => a + b, 0);
 * });
 */
export class StructuredDataset {
  /** The dataset's URI: a folder of Parquet files, or one Parquet file. */
  readonly uri: string;
  /** The storage format (`"parquet"`). */
  readonly format: string;
  /** The content hash when known. */
  readonly hash: string | undefined;
  /** Bytes fetched by the last `toArrow()` (for measuring column pruning). */
  lastBytesRead = 0;

  constructor(uri: string, options: StructuredDatasetOptions = {}) {
    this.uri = uri.replace(/\/+$/, "");
    this.format = options.format ?? "parquet";
    this.hash = options.hash;
    Object.defineProperty(this, SD_BRAND, { value: true });
  }

  /** Whether `value` is a StructuredDataset (from any copy of flytekit). */
  static isStructuredDataset(value: unknown): value is StructuredDataset {
    return typeof value === "object" && value !== null && SD_BRAND in value;
  }

  /**
   * Reads the dataset as an Arrow table (the parts of a folder are concatenated in name order).
   *
   * @throws FlyteError `E_DATA_FORMAT` (not Parquet, or no such column), `E_DATA_NOT_FOUND`, `E_DATA_STORE`.
   */
  async toArrow(options: ToArrowOptions = {}): Promise<Table> {
    const what = `dataframe '${this.uri}'`;
    const store = currentStoreFor(this.uri, what);
    // Loaded on first use: Arrow and Parquet are heavy, and most tasks never touch a dataframe.
    const { readParquet } = await import("./parquet.ts");
    const parts = await store.list(this.uri);
    const files = parts.length > 0 ? parts : [this.uri];
    let table: Table | undefined;
    let bytes = 0;
    for (const f of files) {
      const part = await readParquet(store, f, what, options.columns);
      bytes += part.bytesRead;
      table = table === undefined ? part.table : table.concat(part.table);
    }
    this.lastBytesRead = bytes;
    return table as Table;
  }

  /** The URI. */
  toString(): string {
    return this.uri;
  }

  /** The URI. */
  toJSON(): string {
    return this.uri;
  }
}
