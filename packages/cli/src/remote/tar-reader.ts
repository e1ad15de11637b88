/**
 * Reads the regular files of a tar archive, gzipped or not (`pyflyte package` and `flyte
 * serialize` packages are `.tgz`). Only what packages use: ustar names with their prefix, GNU
 * long names, PAX `path` records; links and devices are skipped.
 */
import { gunzipSync } from "node:zlib";

/** One regular file of an archive. */
export interface TarEntry {
  /** The path inside the archive, without a leading `./`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The regular files of `archive` in archive order.
 *
 * @throws Error naming `what` when the bytes are neither a tar archive nor a gzipped one.
 */
export function readTar(archive: Uint8Array, what: string): TarEntry[] {
  let bytes = archive;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`${what} is not a valid gzip file: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const entries: TarEntry[] = [];
  const text = new TextDecoder();
  const field = (at: number, length: number): string => text.decode(bytes.subarray(at, at + length)).replace(/\0.*$/s, "");
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(field(offset + 124, 12).trim() || "0", 8);
    if (Number.isNaN(size) || !verifyChecksum(header, field(offset + 148, 8))) {
      throw new Error(`${what} is not a tar archive (bad header at byte ${offset})`);
    }
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = field(offset + 345, 155);
    const name = longName ?? (prefix === "" ? field(offset, 100) : `${prefix}/${field(offset, 100)}`);
    longName = undefined;
    const body = bytes.subarray(offset + 512, offset + 512 + size);
    if (type === "L") longName = text.decode(body).replace(/\0.*$/s, "");
    else if (type === "x") longName = paxPath(text.decode(body));
    else if (type === "0" || type === "\0") entries.push({ name: name.replace(/^\.\//, ""), bytes: body.slice() });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function verifyChecksum(header: Uint8Array, stored: string): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return Number.parseInt(stored.trim(), 8) === sum;
}

/** The `path` record of a PAX extended header, if any. */
function paxPath(records: string): string | undefined {
  for (const line of records.split("\n")) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}
