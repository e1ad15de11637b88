/**
 * The SDK's data types — `file()`, `directory()`, `dataFrame()` — and their codecs: Flyte's blob
 * (single / multipart, with a format) and structured dataset (format and columns) literals. A
 * literal carries only the URI (and the content hash, when known, in `Literal.hash` for cache
 * keys); the bytes stay in the store.
 *
 * Values that must be written first (a local path a task returns, an Arrow table) are uploaded
 * before encoding, by data/prepare.ts; the codecs themselves are synchronous.
 */
import { create } from "@bufbuild/protobuf";
import { z } from "zod";
import { LiteralSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { BlobType_BlobDimensionality, LiteralTypeSchema, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { resolve } from "node:path";
import { FlyteDirectory } from "../data/flyte-directory.ts";
import { FlyteFile } from "../data/flyte-file.ts";
import { fileUriOf } from "../data/file-store.ts";
import { hasScheme } from "../data/store.ts";
import { StructuredDataset } from "../data/structured-dataset.ts";
import { type Codec, type CompileChild, PathError } from "./codec.ts";
import { describeLiteral, describeValue } from "./describe.ts";

/** What a data schema declares. */
export type DataKind =
  | { readonly kind: "file"; readonly format: string }
  | { readonly kind: "directory"; readonly format: string }
  | { readonly kind: "dataframe"; readonly format: string; readonly columns: Readonly<Record<string, z.ZodType>> };

/** Schemas made by the helpers below. A WeakMap, not a zod registry: the metadata holds schemas. */
const dataSchemas = new WeakMap<z.ZodType, DataKind>();

/** The data kind of a schema made by `file()`, `directory()` or `dataFrame()`; undefined for others. */
export function dataKindOf(schema: z.ZodType): DataKind | undefined {
  return dataSchemas.get(schema);
}

/** Whether a schema holds data values anywhere (through optional, nullable, default, arrays and records). */
export function hasData(schema: z.ZodType): boolean {
  if (dataKindOf(schema) !== undefined) return true;
  const def = schema._zod.def as { innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType };
  const inner = def.innerType ?? def.element ?? def.valueType;
  return inner !== undefined && hasData(inner);
}

/**
 * A file input or output: Flyte's single blob. A task receives a {@link FlyteFile}; it may return
 * a local path (uploaded under the attempt's raw-output prefix), a URI, or a `FlyteFile`.
 *
 * @param format - the file format (`"csv"`); a generic file (`""`) feeds and is fed by any format. @default ""
 * @example
 * const rows = task({ inputs: { f: file("csv") }, outputs: z.int() }, async ({ f }) => (await f.text()).split("\n").length);
 */
export function file(format = ""): z.ZodType<FlyteFile> {
  const schema = z.custom<FlyteFile>((v) => FlyteFile.isFlyteFile(v) || typeof v === "string", {
    message: "expected a FlyteFile, a local file path or a URI",
  });
  dataSchemas.set(schema, { kind: "file", format });
  return schema;
}

/**
 * A directory input or output: Flyte's multipart blob. A task receives a {@link FlyteDirectory};
 * it may return a local folder path (uploaded file by file), a URI, or a `FlyteDirectory`.
 *
 * @param format - the format of its files (`"png"`); `""` for any. @default ""
 */
export function directory(format = ""): z.ZodType<FlyteDirectory> {
  const schema = z.custom<FlyteDirectory>((v) => FlyteDirectory.isFlyteDirectory(v) || typeof v === "string", {
    message: "expected a FlyteDirectory, a local folder path or a URI",
  });
  dataSchemas.set(schema, { kind: "directory", format });
  return schema;
}

/** Options of {@link dataFrame}. */
export interface DataFrameOptions {
  /** The columns and their types; a reader declaring a subset of a writer's columns fits. @default any columns */
  readonly columns?: Readonly<Record<string, z.ZodType>>;
  /** The storage format. @default "parquet" */
  readonly format?: string;
}

/**
 * A dataframe input or output: Flyte's structured dataset. A task receives a
 * {@link StructuredDataset}; it may return an `apache-arrow` `Table` (written as Parquet) or a
 * `StructuredDataset`.
 *
 * @example
 * const sales = dataFrame({ columns: { region: z.string(), amount: z.number() } });
 */
export function dataFrame(options: DataFrameOptions = {}): z.ZodType<StructuredDataset> {
  // A string is a local Parquet file or folder, or a URI, as the callers' types allow (DataInput).
  const schema = z.custom<StructuredDataset>((v) => StructuredDataset.isStructuredDataset(v) || isArrowTable(v) || typeof v === "string", {
    message: "expected a StructuredDataset, an apache-arrow Table, a local Parquet path or a URI",
  });
  dataSchemas.set(schema, { kind: "dataframe", format: options.format ?? "parquet", columns: options.columns ?? {} });
  return schema;
}

/** Whether `value` looks like an `apache-arrow` Table (any copy of the package). */
export function isArrowTable(value: unknown): boolean {
  return typeof value === "object" && value !== null && "schema" in value && "batches" in value && typeof (value as { getChild?: unknown }).getChild === "function";
}

function blobType(format: string, multipart: boolean): LiteralType {
  const dimensionality = multipart ? BlobType_BlobDimensionality.MULTIPART : BlobType_BlobDimensionality.SINGLE;
  return create(LiteralTypeSchema, { type: { case: "blob", value: { format, dimensionality } } });
}

/** The URI of a value given as text: URIs as they are, local paths as absolute `file://` URIs. */
export function uriOfText(text: string): string {
  return hasScheme(text) ? text : fileUriOf(resolve(text));
}

function blobCodec(schema: z.ZodType, kind: "file" | "directory", format: string): Codec {
  const multipart = kind === "directory";
  const literalType = blobType(format, multipart);
  const blob = literalType.type.value as Extract<LiteralType["type"], { case: "blob" }>["value"];
  const make = (uri: string, hash: string | undefined) =>
    multipart ? new FlyteDirectory(uri, { format, ...(hash !== undefined ? { hash } : {}) }) : new FlyteFile(uri, { format, ...(hash !== undefined ? { hash } : {}) });
  const isValue = (v: unknown): v is FlyteFile | FlyteDirectory => (multipart ? FlyteDirectory.isFlyteDirectory(v) : FlyteFile.isFlyteFile(v));
  const uriOf = (v: unknown): { uri: string; hash: string | undefined } => {
    if (isValue(v)) return { uri: v.uri, hash: v.hash };
    if (typeof v === "string") return { uri: uriOfText(v), hash: undefined };
    throw new PathError(`expected a ${multipart ? "FlyteDirectory or a folder path" : "FlyteFile or a file path"}, got ${describeValue(v)}`);
  };
  return {
    schema,
    literalType,
    tag: multipart ? "FlyteDirectory" : "FlyteFile",
    quickCheck: isValue,
    encode: (v) => {
      const { uri, hash } = uriOf(v);
      return create(LiteralSchema, {
        value: { case: "scalar", value: { value: { case: "blob", value: { uri, metadata: { type: blob } } } } },
        ...(hash !== undefined ? { hash } : {}),
      });
    },
    decode: (literal: Literal) => {
      const v = literal.value;
      if (v.case !== "scalar" || v.value.value.case !== "blob") throw new PathError(`expected a blob literal (${kind}), got ${describeLiteral(literal)}`);
      const got = v.value.value.value;
      const dim = got.metadata?.type?.dimensionality ?? BlobType_BlobDimensionality.SINGLE;
      if ((dim === BlobType_BlobDimensionality.MULTIPART) !== multipart) {
        throw new PathError(`expected a ${multipart ? "directory (multipart blob)" : "file (single blob)"}, got a ${multipart ? "single file" : "directory"} at '${got.uri}'`);
      }
      return make(got.uri, literal.hash !== "" ? literal.hash : undefined);
    },
    // flytekit's dataclass form of FlyteFile / FlyteDirectory.
    toPlain: (v) => ({ path: uriOf(v).uri }),
    fromPlain: (plain) => {
      const path = (plain as { path?: unknown } | null)?.path ?? plain;
      if (typeof path !== "string") throw new PathError(`expected a ${kind} path, got ${describeValue(plain)}`);
      return make(path, undefined);
    },
  };
}

function dataFrameCodec(schema: z.ZodType, kind: Extract<DataKind, { kind: "dataframe" }>, compileChild: CompileChild): Codec {
  const columns = Object.entries(kind.columns).map(([name, s]) => ({ name, literalType: compileChild(s, `.${name}`).literalType }));
  const literalType = create(LiteralTypeSchema, { type: { case: "structuredDatasetType", value: { format: kind.format, columns } } });
  const sdType = literalType.type.value as Extract<LiteralType["type"], { case: "structuredDatasetType" }>["value"];
  const asDataset = (v: unknown): StructuredDataset => {
    if (StructuredDataset.isStructuredDataset(v)) return v;
    if (typeof v === "string") return new StructuredDataset(uriOfText(v), { format: kind.format });
    if (isArrowTable(v)) throw new PathError("an Arrow table is written as Parquet only when a task returns it; pass a StructuredDataset or a URI here");
    throw new PathError(`expected a StructuredDataset, an apache-arrow Table, a local Parquet path or a URI, got ${describeValue(v)}`);
  };
  return {
    schema,
    literalType,
    tag: "StructuredDataset",
    quickCheck: (v) => StructuredDataset.isStructuredDataset(v),
    encode: (v) => {
      const sd = asDataset(v);
      return create(LiteralSchema, {
        value: { case: "scalar", value: { value: { case: "structuredDataset", value: { uri: sd.uri, metadata: { structuredDatasetType: sdType } } } } },
        ...(sd.hash !== undefined ? { hash: sd.hash } : {}),
      });
    },
    decode: (literal) => {
      const v = literal.value;
      if (v.case !== "scalar" || v.value.value.case !== "structuredDataset") {
        throw new PathError(`expected a structured dataset literal, got ${describeLiteral(literal)}`);
      }
      const got = v.value.value.value;
      const format = got.metadata?.structuredDatasetType?.format ?? "";
      return new StructuredDataset(got.uri, { format: format !== "" ? format : kind.format, ...(literal.hash !== "" ? { hash: literal.hash } : {}) });
    },
    // flytekit's dataclass form of StructuredDataset.
    toPlain: (v) => ({ uri: asDataset(v).uri, file_format: kind.format }),
    fromPlain: (plain) => {
      const uri = (plain as { uri?: unknown } | null)?.uri;
      if (typeof uri !== "string") throw new PathError(`expected a dataframe {uri}, got ${describeValue(plain)}`);
      return new StructuredDataset(uri, { format: kind.format });
    },
  };
}

/** The codec of a data schema, or undefined when `schema` is not one. */
export function dataCodec(schema: z.ZodType, compileChild: CompileChild): Codec | undefined {
  const kind = dataKindOf(schema);
  if (kind === undefined) return undefined;
  return kind.kind === "dataframe" ? dataFrameCodec(schema, kind, compileChild) : blobCodec(schema, kind.kind, kind.format);
}
