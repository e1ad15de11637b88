/**
 * An RPC answer kept already encoded. A registered workflow version never changes, so its
 * `GetWorkflow` answer (hundreds of kilobytes for a 5,000-node workflow) can be encoded once and
 * written as it is; the direct paths (grpc-unary-fast-path.ts, connect-unary-fast-path.ts) send
 * these bytes instead of encoding a message per request.
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipBytes = promisify(gzip);

/** The encoded answer, and its gzip form made on first demand (browsers accept gzip). */
export class EncodedAnswer {
  /** The answer's protobuf encoding; callers must not modify it. */
  readonly bytes: Uint8Array;
  #gzipped: Promise<Uint8Array> | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * The bytes gzipped, compressed once (on libuv's thread pool) and then kept: connect-es would
   * compress every answer again, ~6 ms of CPU per 5,000-node workflow (docs/benchmarks.md).
   */
  gzipped(): Promise<Uint8Array> {
    this.#gzipped ??= gzipBytes(this.bytes).then(
      (buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      (error: unknown) => {
        // Not kept: the next request tries again.
        this.#gzipped = undefined;
        throw error;
      },
    );
    return this.#gzipped;
  }
}
