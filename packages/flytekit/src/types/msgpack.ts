/**
 * A small MessagePack codec for the JSON-like bodies of struct literals (flytekit stores
 * dataclasses as `Binary{tag: "msgpack"}`). Covers nil, bool, int, float32/64, str, bin, array
 * and map; extension types are rejected. No msgpack package is installed, hence this file.
 */
import { Float64 } from "./primitives.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A growable byte buffer, reused across calls (encoding never re-enters itself). */
class Writer {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(tag: number, v: number): void {
    this.ensure(3);
    this.buf[this.pos] = tag;
    this.view.setUint16(this.pos + 1, v);
    this.pos += 3;
  }
  u32(tag: number, v: number): void {
    this.ensure(5);
    this.buf[this.pos] = tag;
    this.view.setUint32(this.pos + 1, v);
    this.pos += 5;
  }
  i8(tag: number, v: number): void {
    this.ensure(2);
    this.buf[this.pos] = tag;
    this.view.setInt8(this.pos + 1, v);
    this.pos += 2;
  }
  i16(tag: number, v: number): void {
    this.ensure(3);
    this.buf[this.pos] = tag;
    this.view.setInt16(this.pos + 1, v);
    this.pos += 3;
  }
  i32(tag: number, v: number): void {
    this.ensure(5);
    this.buf[this.pos] = tag;
    this.view.setInt32(this.pos + 1, v);
    this.pos += 5;
  }
  big64(tag: number, v: bigint): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    if (tag === 0xcf) this.view.setBigUint64(this.pos + 1, v);
    else this.view.setBigInt64(this.pos + 1, v);
    this.pos += 9;
  }
  f64(v: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.view.setFloat64(this.pos + 1, v);
    this.pos += 9;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** A string with its msgpack str header; short ASCII strings skip TextEncoder, which dominates otherwise. */
  str(v: string): void {
    const n = v.length;
    if (n < 32) {
      this.ensure(1 + n);
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[start + i] = c;
      }
      if (i === n) {
        this.buf[this.pos] = 0xa0 | n;
        this.pos = start + n;
        return;
      }
    }
    const bytes = encoder.encode(v);
    writeLength(this, bytes.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    this.bytes(bytes);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const writer = new Writer();

function writeInt(w: Writer, v: number | bigint): void {
  if (typeof v === "bigint") {
    if (v >= 0n) w.big64(0xcf, v);
    else w.big64(0xd3, v);
    return;
  }
  if (v >= 0) {
    if (v < 0x80) w.u8(v);
    else if (v < 0x100) {
      w.u8(0xcc);
      w.u8(v);
    }
    else if (v < 0x10000) w.u16(0xcd, v);
    else if (v < 0x100000000) w.u32(0xce, v);
    else w.big64(0xcf, BigInt(v));
    return;
  }
  if (v >= -32) w.u8(v & 0xff);
  else if (v >= -0x80) w.i8(0xd0, v);
  else if (v >= -0x8000) w.i16(0xd1, v);
  else if (v >= -0x80000000) w.i32(0xd2, v);
  else w.big64(0xd3, BigInt(v));
}

function writeLength(w: Writer, n: number, fix: number, fixMax: number, tag8: number | undefined, tag16: number, tag32: number): void {
  if (n <= fixMax) w.u8(fix | n);
  else if (tag8 !== undefined && n < 0x100) {
    w.u8(tag8);
    w.u8(n);
  } else if (n < 0x10000) w.u16(tag16, n);
  else w.u32(tag32, n);
}

function write(w: Writer, v: unknown): void {
  if (v === null || v === undefined) return w.u8(0xc0);
  switch (typeof v) {
    case "boolean":
      return w.u8(v ? 0xc3 : 0xc2);
    case "number":
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? writeInt(w, v) : w.f64(v);
    case "bigint":
      return writeInt(w, v);
    case "string":
      return w.str(v);
    default:
      break;
  }
  if (v instanceof Float64) return w.f64(v.value);
  if (v instanceof Uint8Array) {
    writeLength(w, v.length, 0, -1, 0xc4, 0xc5, 0xc6);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    writeLength(w, v.length, 0x90, 15, undefined, 0xdc, 0xdd);
    for (const item of v) write(w, item);
    return;
  }
  if (typeof v === "object") {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    let count = 0;
    for (const k of keys) if (obj[k] !== undefined) count++;
    writeLength(w, count, 0x80, 15, undefined, 0xde, 0xdf);
    for (const k of keys) {
      const x = obj[k];
      if (x === undefined) continue;
      w.str(k);
      write(w, x);
    }
    return;
  }
  throw new TypeError(`msgpack cannot encode a ${typeof v}`);
}

/**
 * Encodes a JSON-like value. Integers become msgpack ints, other numbers and `Float64` boxes
 * become float64, `undefined` object entries are left out.
 */
export function encodeMsgpack(value: unknown): Uint8Array {
  writer.reset();
  try {
    write(writer, value);
    return writer.result();
  } finally {
    writer.reset();
  }
}

/** Reads msgpack bytes; `pos` advances through the buffer. */
class Reader {
  pos = 0;
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError("msgpack data ends early");
  }

  value(): unknown {
    this.need(1);
    const b = this.buf[this.pos++] as number;
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f);
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f);
    const v = this.view;
    const at = this.pos;
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bin(this.len(1));
      case 0xc5:
        return this.bin(this.len(2));
      case 0xc6:
        return this.bin(this.len(4));
      case 0xca:
        this.need(4);
        this.pos += 4;
        return v.getFloat32(at);
      case 0xcb:
        this.need(8);
        this.pos += 8;
        return v.getFloat64(at);
      case 0xcc:
      case 0xcd:
      case 0xce:
        return this.len(b === 0xcc ? 1 : b === 0xcd ? 2 : 4);
      case 0xcf:
        this.need(8);
        this.pos += 8;
        return narrow(v.getBigUint64(at));
      case 0xd0:
        this.need(1);
        this.pos += 1;
        return v.getInt8(at);
      case 0xd1:
        this.need(2);
        this.pos += 2;
        return v.getInt16(at);
      case 0xd2:
        this.need(4);
        this.pos += 4;
        return v.getInt32(at);
      case 0xd3:
        this.need(8);
        this.pos += 8;
        return narrow(v.getBigInt64(at));
      case 0xd9:
        return this.str(this.len(1));
      case 0xda:
        return this.str(this.len(2));
      case 0xdb:
        return this.str(this.len(4));
      case 0xdc:
        return this.array(this.len(2));
      case 0xdd:
        return this.array(this.len(4));
      case 0xde:
        return this.map(this.len(2));
      case 0xdf:
        return this.map(this.len(4));
      default:
        throw new TypeError(`msgpack type 0x${b.toString(16)} (extension or reserved) is not supported`);
    }
  }

  /** An unsigned big-endian length of `size` bytes. */
  private len(size: 1 | 2 | 4): number {
    this.need(size);
    const at = this.pos;
    this.pos += size;
    return size === 1 ? (this.buf[at] as number) : size === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  private str(n: number): string {
    this.need(n);
    const start = this.pos;
    this.pos += n;
    if (n < 32) {
      // Short ASCII strings (field names, mostly) are cheaper to build by hand than via TextDecoder.
      let s = "";
      for (let i = start; i < start + n; i++) {
        const c = this.buf[i] as number;
        if (c >= 0x80) return decoder.decode(this.buf.subarray(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(this.buf.subarray(start, start + n));
  }

  private bin(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private array(n: number): unknown[] {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }

  private map(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = this.value();
      // Python may write int keys for untyped dicts; JS objects only hold string keys.
      const k = typeof key === "string" ? key : String(key);
      const val = this.value();
      if (k === "__proto__") Object.defineProperty(out, k, { value: val, enumerable: true, writable: true, configurable: true });
      else out[k] = val;
    }
    return out;
  }
}

/** 64-bit integers become numbers when exact, else stay bigints (callers reject them). */
function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Decodes one msgpack value; throws when bytes are malformed, trailing or use extension types. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const value = r.value();
  if (r.pos !== bytes.length) throw new RangeError(`msgpack data has ${bytes.length - r.pos} trailing bytes`);
  return value;
}
