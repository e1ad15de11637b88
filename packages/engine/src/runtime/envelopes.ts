/**
 * The length-prefixed frames ("envelopes") of Connect and gRPC streams over HTTP/2: a flags byte,
 * a big-endian 32-bit length, then that many bytes. The worker session's two ends read and write
 * them on a plain HTTP/2 stream (the server's dispatch/session-direct.ts, the worker's
 * session-stream.ts) instead of going through connect-es's chain of async iterables per message.
 */

/** Bytes before an envelope's data. */
export const ENVELOPE_HEADER = 5;
/** Flag of a compressed message (neither end compresses the session). */
export const FLAG_COMPRESSED = 0b01;
/** Flag of Connect's end-of-stream message (JSON: metadata and error). */
export const FLAG_END_STREAM = 0b10;

/** One envelope: its flags and data (a view into the bytes read). */
export interface Envelope {
  readonly flags: number;
  readonly data: Uint8Array;
}

/**
 * Frames `data` with `flags` at `offset` of `target`, which must have room for
 * {@link ENVELOPE_HEADER} + `data.length` bytes; returns the offset after it.
 */
export function writeEnvelope(target: Uint8Array, offset: number, flags: number, data: Uint8Array): number {
  writeHeader(target, offset, flags, data.length);
  target.set(data, offset + ENVELOPE_HEADER);
  return offset + ENVELOPE_HEADER + data.length;
}

/**
 * The header alone of an envelope of `length` bytes: a big answer is written after it rather
 * than copied behind it into a new buffer.
 */
export function envelopeHeader(flags: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(ENVELOPE_HEADER);
  writeHeader(header, 0, flags, length);
  return header;
}

function writeHeader(target: Uint8Array, offset: number, flags: number, length: number): void {
  target[offset] = flags;
  target[offset + 1] = length >>> 24;
  target[offset + 2] = (length >>> 16) & 0xff;
  target[offset + 3] = (length >>> 8) & 0xff;
  target[offset + 4] = length & 0xff;
}

/** `data` framed with `flags`, as one buffer. */
export function envelope(flags: number, data: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(ENVELOPE_HEADER + data.length);
  writeEnvelope(frame, 0, flags, data);
  return frame;
}

/**
 * Cuts a byte stream into envelopes as chunks arrive: an envelope may span chunks, and a chunk
 * may hold many. Only a partial envelope is kept between chunks, as the chunks themselves: they
 * are joined once, when the envelope is complete, so a large message that arrives in many chunks
 * is copied once rather than once per chunk.
 */
export class EnvelopeReader {
  readonly #maxBytes: number;
  /** Chunks of the incomplete envelope, oldest first (empty when none is held). */
  #held: Buffer[] = [];
  /** Their total length. */
  #heldBytes = 0;
  /** Bytes the held envelope needs in all, header included, once its header is known (else 0). */
  #needed = 0;

  /** `maxBytes`: the largest data one envelope may carry; a larger one is an error. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Whether bytes of an incomplete envelope are held (a stream that ends now was cut short). */
  get partial(): boolean {
    return this.#heldBytes > 0;
  }

  /**
   * The envelopes completed by `chunk`, in order. Throws {@link EnvelopeTooLarge} when one
   * announces more than `maxBytes`.
   */
  read(chunk: Buffer): Envelope[] {
    let bytes = chunk;
    if (this.#heldBytes > 0) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes < ENVELOPE_HEADER) return [];
      if (this.#needed === 0) {
        // The header is complete now: the first chunks hold it (joined only if it spans them).
        const head = this.#held[0]!.length >= ENVELOPE_HEADER ? this.#held[0]! : Buffer.concat(this.#held, ENVELOPE_HEADER);
        this.#needed = ENVELOPE_HEADER + this.#announced(head, 0);
      }
      if (this.#heldBytes < this.#needed) return [];
      bytes = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
      this.#held = [];
      this.#heldBytes = 0;
      this.#needed = 0;
    }
    const out: Envelope[] = [];
    let at = 0;
    while (bytes.length - at >= ENVELOPE_HEADER) {
      const end = at + ENVELOPE_HEADER + this.#announced(bytes, at);
      if (end > bytes.length) {
        this.#needed = end - at;
        break;
      }
      out.push({ flags: bytes[at] as number, data: bytes.subarray(at + ENVELOPE_HEADER, end) });
      at = end;
    }
    if (at < bytes.length) {
      this.#held.push(at === 0 ? bytes : bytes.subarray(at));
      this.#heldBytes = bytes.length - at;
    }
    return out;
  }

  /** The data length the envelope at `at` announces, checked against the limit. */
  #announced(bytes: Buffer, at: number): number {
    const length = bytes.readUInt32BE(at + 1);
    if (length > this.#maxBytes) throw new EnvelopeTooLarge(length, this.#maxBytes);
    return length;
  }
}

/** An envelope larger than its reader allows. */
export class EnvelopeTooLarge extends Error {
  /** The length the envelope announced. */
  readonly length: number;
  constructor(length: number, maxBytes: number) {
    super(`message size ${length} is larger than configured readMaxBytes ${maxBytes}`);
    this.name = "EnvelopeTooLarge";
    this.length = length;
  }
}
