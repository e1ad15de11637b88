/**
 * Reading offloaded literals from the server's own store, for the engine (a map task over a list a
 * task offloaded). Workers write them with `PUT /upload/<key>` and name them by their download URL,
 * `http(s)://<server>/download/<key>`; the key is what locates the file under `<data-dir>/uploads`,
 * so the host and port in the URL do not matter (the server may have been reached under another
 * name, or restarted on another port).
 */
import { fromBinary } from "@bufbuild/protobuf";
import { readFile } from "node:fs/promises";
import type { OffloadedLiteralReader } from "@flyte/engine";
import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { DOWNLOAD_PREFIX } from "./uploads.ts";
import { fileOfKey, keyFromUrlPath } from "./upload-paths.ts";

/**
 * A reader of offloaded literals stored under `root` (`<data-dir>/uploads`).
 *
 * @throws Error naming the URI when it is not a download URL of a store, nothing is stored there,
 *   or the stored size differs from the recorded one.
 */
export function uploadsLiteralReader(root: string): OffloadedLiteralReader {
  return async (uri, sizeBytes) => {
    let pathname: string;
    try {
      pathname = new URL(uri).pathname;
    } catch {
      throw new Error(`'${uri}' is not a URL of this server's store (http(s)://<server>/download/...)`);
    }
    if (!/^https?:$/.test(new URL(uri).protocol) || !pathname.startsWith(DOWNLOAD_PREFIX)) {
      throw new Error(`'${uri}' is not a URL of this server's store (http(s)://<server>/download/...)`);
    }
    const file = fileOfKey(root, keyFromUrlPath(pathname, DOWNLOAD_PREFIX));
    const bytes = await readFile(file).catch((err: unknown) => {
      throw new Error(`nothing is stored at '${uri}' (${(err as { code?: string }).code ?? String(err)})`, { cause: err });
    });
    if (BigInt(bytes.byteLength) !== sizeBytes) {
      throw new Error(`the offloaded literal at '${uri}' has ${bytes.byteLength} bytes, not the ${String(sizeBytes)} recorded`);
    }
    return fromBinary(LiteralSchema, bytes);
  };
}
