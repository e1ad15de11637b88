/**
 * MessagePack decoding for showing struct literals (flytekit stores structs as
 * `Binary{tag: "msgpack"}`) as JSON: nil, bool, numbers, strings, bytes, arrays and maps. Runs in
 * browsers too (no Buffer). flytekit has its own codec for its type engine; this one only reads.
 */
const decoder = new TextDecoder();

/** MessagePack bytes as a JSON value; throws on extension types. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const uint = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (bytes[pos++] ?? 0);
    return v;
  };
  const str = (n: number): string => decoder.decode(bytes.subarray(pos, (pos += n)));
  const arr = (n: number): unknown[] => Array.from({ length: n }, () => read());
  const map = (n: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[String(read())] = read();
    return o;
  };
  const read = (): unknown => {
    const b = bytes[pos++] ?? 0xc1;
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return arr(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: case 0xc5: case 0xc6: { const n = uint(1 << (b - 0xc4)); return Array.from(bytes.subarray(pos, (pos += n))); }
      case 0xca: { const v = view.getFloat32(pos); pos += 4; return v; }
      case 0xcb: { const v = view.getFloat64(pos); pos += 8; return v; }
      case 0xcc: return uint(1);
      case 0xcd: return uint(2);
      case 0xce: return uint(4);
      case 0xcf: return uint(8);
      case 0xd0: { const v = view.getInt8(pos); pos += 1; return v; }
      case 0xd1: { const v = view.getInt16(pos); pos += 2; return v; }
      case 0xd2: { const v = view.getInt32(pos); pos += 4; return v; }
      case 0xd3: { const v = Number(view.getBigInt64(pos)); pos += 8; return v; }
      case 0xd9: return str(uint(1));
      case 0xda: return str(uint(2));
      case 0xdb: return str(uint(4));
      case 0xdc: return arr(uint(2));
      case 0xdd: return arr(uint(4));
      case 0xde: return map(uint(2));
      case 0xdf: return map(uint(4));
      default: throw new Error(`MessagePack byte 0x${b.toString(16)} (extension types) is not supported`);
    }
  };
  return read();
}
