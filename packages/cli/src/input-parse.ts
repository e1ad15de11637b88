/**
 * Command-line input values, parsed by the input's Flyte type: numbers and booleans by their
 * text, datetimes as ISO 8601, durations as milliseconds or "10m", and JSON for lists, maps,
 * structs and unions.
 */
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { parseDuration } from "flytekit/internal/local";
import { UsageError } from "./args.ts";

/** Parses `text` given for input `name` of type `type`. */
export function parseInputValue(name: string, text: string, type: LiteralType): unknown {
  const t = type.type;
  // A file, directory or dataframe: a local path (uploaded for remote runs) or a URI.
  if (t.case === "blob" || t.case === "structuredDatasetType") return text;
  if (t.case === "simple") {
    switch (t.value) {
      case SimpleType.INTEGER: {
        if (!/^[-+]?\d+$/.test(text.trim())) throw new UsageError(`--${name} must be a whole number, got '${text}'`);
        return Number(text);
      }
      case SimpleType.FLOAT: {
        const n = Number(text);
        if (text.trim() === "" || Number.isNaN(n)) throw new UsageError(`--${name} must be a number, got '${text}'`);
        return n;
      }
      case SimpleType.STRING:
        return text;
      case SimpleType.BOOLEAN: {
        const v = text.toLowerCase();
        if (["true", "1", "yes"].includes(v)) return true;
        if (["false", "0", "no"].includes(v)) return false;
        throw new UsageError(`--${name} must be true or false, got '${text}'`);
      }
      case SimpleType.DATETIME: {
        const d = new Date(text);
        if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 date-time, got '${text}'`);
        return d;
      }
      case SimpleType.DURATION:
        return /^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDurationText(name, text);
      default:
        return parseJson(name, text);
    }
  }
  if (t.case === "enumType") return text;
  if (t.case === "unionType") {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // a bare string for a union with a string variant
    }
  }
  return parseJson(name, text);
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--${name} must be JSON for this type (e.g. '[1,2]' or '{"k":1}'): ${(err as Error).message}`);
  }
}

function parseDurationText(name: string, text: string): number {
  try {
    return parseDuration(text, `--${name}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
