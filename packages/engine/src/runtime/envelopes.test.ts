import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvelopeReader, EnvelopeTooLarge, envelope, envelopeHeader, FLAG_END_STREAM } from "./envelopes.ts";

const bytes = (...values: number[]): Buffer => Buffer.from(values);

test("an envelope is its flags, its big-endian length and its data; the header alone matches it", () => {
  const data = new Uint8Array(300).fill(7);
  const framed = envelope(FLAG_END_STREAM, data);
  assert.deepEqual([...framed.subarray(0, 5)], [FLAG_END_STREAM, 0, 0, 1, 44]);
  assert.deepEqual(framed.subarray(5), Buffer.from(data));
  assert.deepEqual(envelopeHeader(FLAG_END_STREAM, 300), framed.subarray(0, 5));
});

test("the reader cuts envelopes that span chunks and chunks that hold several", () => {
  const stream = Buffer.concat([envelope(0, bytes(1, 2, 3)), envelope(0, bytes()), envelope(FLAG_END_STREAM, bytes(9, 9))]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new EnvelopeReader(1024);
    const frames = [...reader.read(stream.subarray(0, cut)), ...reader.read(stream.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.flags, [...f.data]]), [[0, [1, 2, 3]], [0, []], [FLAG_END_STREAM, [9, 9]]], `cut at ${cut}`);
    assert.equal(reader.partial, false);
  }
});

test("the reader keeps a partial envelope and refuses one larger than its limit", () => {
  const reader = new EnvelopeReader(4);
  assert.deepEqual(reader.read(envelope(0, bytes(1, 2, 3)).subarray(0, 6)), []);
  assert.equal(reader.partial, true);
  assert.throws(() => new EnvelopeReader(4).read(envelope(0, bytes(1, 2, 3, 4, 5))), (e: unknown) => e instanceof EnvelopeTooLarge && e.length === 5);
});

test("a message spread over many chunks is joined once, not once per chunk", (t) => {
  const data = Buffer.alloc(64 * 1024, 3);
  const stream = Buffer.concat([envelope(0, data), envelope(0, bytes(4))]);
  // Every join goes through Buffer.concat: count the bytes it copies.
  let copied = 0;
  const concat = Buffer.concat.bind(Buffer);
  t.mock.method(Buffer, "concat", (list: readonly Uint8Array[], length?: number) => {
    const joined = concat(list, length);
    copied += joined.length;
    return joined;
  });
  const reader = new EnvelopeReader(1 << 20);
  const frames = [];
  for (let at = 0; at < stream.length; at += 100) frames.push(...reader.read(stream.subarray(at, at + 100)));
  assert.deepEqual(frames.map((f) => f.data.length), [data.length, 1]);
  assert.ok(frames[0]!.data.every((b) => b === 3));
  assert.ok(copied <= 2 * stream.length, `copied ${copied} bytes for a stream of ${stream.length}`);
});
