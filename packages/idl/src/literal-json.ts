/**
 * Literals as JSON values, for people (the console's value views, the CLI's `--json` output when
 * no local entity gives the natives): primitives as themselves, durations as "1.5s", datetimes as
 * ISO text, structs sent as MessagePack binaries decoded, files and dataframes as their URIs.
 * Runs in Node and in browsers.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Literal, LiteralMap, Scalar } from "./gen/flyteidl/core/literals_pb.js";
import { decodeMsgpack } from "./msgpack-decode.ts";

export { decodeMsgpack };

/** A literal as a JSON value (null for an empty or unknown one). */
export function literalToJson(literal: Literal | undefined): unknown {
  const v = literal?.value;
  switch (v?.case) {
    case "scalar":
      return scalarToJson(v.value);
    case "collection":
      return v.value.literals.map(literalToJson);
    case "map":
      return Object.fromEntries(Object.entries(v.value.literals).map(([k, l]) => [k, literalToJson(l)]));
    case "offloadedMetadata":
      return { offloaded: v.value.uri };
    default:
      return null;
  }
}

/** A literal map as an object of JSON values. */
export function literalMapToJson(map: LiteralMap | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map?.literals ?? {}).map(([k, l]) => [k, literalToJson(l)]));
}

function base64(bytes: Uint8Array): string {
  let text = "";
  // In slices: spreading a large array into fromCharCode overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** A scalar as a JSON value. */
export function scalarToJson(scalar: Scalar): unknown {
  const v = scalar.value;
  switch (v.case) {
    case "primitive": {
      const p = v.value.value;
      switch (p.case) {
        case "integer": {
          const n = Number(p.value);
          return Number.isSafeInteger(n) ? n : p.value.toString();
        }
        case "datetime":
          return timestampDate(p.value).toISOString();
        case "duration":
          return `${Number(p.value.seconds) + p.value.nanos / 1e9}s`;
        case undefined:
          return null;
        default:
          return p.value;
      }
    }
    case "noneType":
      return null;
    case "generic":
      return v.value;
    case "binary":
      if (v.value.tag === "msgpack") {
        try {
          return decodeMsgpack(v.value.value);
        } catch {
          // Extension types: shown as the bytes below.
        }
      }
      return { binary: base64(v.value.value), tag: v.value.tag };
    case "union":
      return v.value.value === undefined ? null : literalToJson(v.value.value);
    case "error":
      return { error: v.value.message, node: v.value.failedNodeId };
    case "blob":
    case "structuredDataset":
      return v.value.uri;
    case "schema":
      return { uri: v.value.uri };
    default:
      return null;
  }
}
