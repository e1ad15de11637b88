/**
 * MessagePack for struct literals (flytekit stores structs as `Binary{tag: "msgpack"}`): encode
 * JSON values typed in the launch form, decode outputs for display. JSON values only: nil, bool,
 * numbers (ints as ints, others as float64), strings, arrays and maps.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `value` (a JSON value) as MessagePack bytes. */
export function encodeMsgpack(value: unknown): Uint8Array {
  const out: number[] = [];
  const u = (n: number, bytes: number): void => {
    for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
  };
  const write = (v: unknown): void => {
    if (v === null || v === undefined) out.push(0xc0);
    else if (v === false) out.push(0xc2);
    else if (v === true) out.push(0xc3);
    else if (typeof v === "number") {
      if (Number.isSafeInteger(v) && v >= 0) {
        if (v < 128) out.push(v);
        else if (v < 2 ** 32) { out.push(0xce); u(v, 4); }
        else { out.push(0xcf); u(v, 8); }
      } else if (Number.isSafeInteger(v) && v >= -32) out.push(v & 0xff);
      else if (Number.isSafeInteger(v) && v >= -(2 ** 31)) { out.push(0xd2); u(v >>> 0, 4); }
      else {
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, v);
        out.push(0xcb, ...new Uint8Array(view.buffer));
      }
    } else if (typeof v === "string") {
      const bytes = encoder.encode(v);
      if (bytes.length < 32) out.push(0xa0 | bytes.length);
      else { out.push(0xdb); u(bytes.length, 4); }
      out.push(...bytes);
    } else if (Array.isArray(v)) {
      if (v.length < 16) out.push(0x90 | v.length);
      else { out.push(0xdd); u(v.length, 4); }
      v.forEach(write);
    } else if (typeof v === "object") {
      const entries = Object.entries(v);
      if (entries.length < 16) out.push(0x80 | entries.length);
      else { out.push(0xdf); u(entries.length, 4); }
      for (const [k, x] of entries) { write(k); write(x); }
    } else throw new Error(`cannot encode a ${typeof v} as MessagePack`);
  };
  write(value);
  return new Uint8Array(out);
}

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
