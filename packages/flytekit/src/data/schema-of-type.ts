/**
 * The SDK schema of a registered Flyte type that holds files, directories or dataframes, for code
 * that has the type but not the source (`flyte run --remote --launch-plan NAME`): it lets that code
 * prepare (upload) and encode such values exactly as a loaded entity's inputs are.
 */
import { BlobType_BlobDimensionality, SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { z } from "zod";
import { dataFrame, directory, file } from "../types/blob.ts";

/**
 * The schema of `type` when it is a file, a directory or a dataframe, or a list, map or optional
 * of them (at any depth); undefined for every other type.
 */
export function dataSchemaOfType(type: LiteralType): z.ZodType | undefined {
  const t = type.type;
  if (t.case === "blob") return t.value.dimensionality === BlobType_BlobDimensionality.MULTIPART ? directory(t.value.format) : file(t.value.format);
  if (t.case === "structuredDatasetType") return dataFrame({ format: t.value.format || "parquet" });
  if (t.case === "collectionType") {
    const item = dataSchemaOfType(t.value);
    return item === undefined ? undefined : z.array(item);
  }
  if (t.case === "mapValueType") {
    const value = dataSchemaOfType(t.value);
    return value === undefined ? undefined : z.record(z.string(), value);
  }
  if (t.case === "unionType") {
    // An optional value (`file().optional()`: one variant and NONE); other unions are not data inputs.
    const others = t.value.variants.filter((v) => !(v.type.case === "simple" && v.type.value === SimpleType.NONE));
    const inner = others.length === 1 && others.length < t.value.variants.length ? dataSchemaOfType(others[0]!) : undefined;
    return inner === undefined ? undefined : inner.optional();
  }
  return undefined;
}
