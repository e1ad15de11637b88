/**
 * One `WorkerService.Session` call as a plain HTTP/2 stream speaking Connect's streaming
 * protocol: request messages are written as envelopes the caller has already encoded (the
 * completions' bytes go in as they are: completion-bytes.ts), response envelopes are decoded as
 * their bytes arrive (templates kept as their bytes: session-response.ts) and handed over at once. Through connect-es each message went through a chain
 * of async iterables each way, and a request message was written only after the previous one's
 * write callback. The stream shares the connection (and its keep-alive) of the worker's other
 * calls: it is opened on their transport's `Http2SessionManager`.
 */
import http2 from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus, endStreamFromJson } from "@connectrpc/connect/protocol-connect";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { EnvelopeReader, EnvelopeTooLarge, FLAG_END_STREAM } from "@flyte/engine";
import { decodeSessionResponse, type DecodedResponse } from "./session-response.ts";

/** The session's HTTP/2 path. */
export const SESSION_PATH = "/flyte.worker.v1.WorkerService/Session";
/** The largest response message read: no limit of its own, as connect-es's client (a map's hand-outs may be large). */
const READ_MAX_BYTES = 0xffffffff;
const CONTENT_TYPE = "application/connect+proto";

/** A session stream: write request envelopes, get response messages, await its end. */
export class SessionStream {
  /** Resolves when the server ended the stream without an error; rejects with a ConnectError otherwise. */
  readonly done: Promise<void>;
  #stream: http2.ClientHttp2Stream | undefined;
  /** Envelopes written before the stream opened (the first message, credit). */
  #queued: Uint8Array[] = [];
  #ending = false;

  /** Opens the stream on `manager`; `onMessage` gets each response message; `signal` cancels. */
  constructor(manager: Http2SessionManager, onMessage: (message: DecodedResponse) => void, signal: AbortSignal) {
    this.done = this.#run(manager, onMessage, signal);
  }

  /** Writes one request envelope (queued until the stream is open). */
  write(envelope: Uint8Array): void {
    if (this.#ending) return;
    if (this.#stream === undefined) this.#queued.push(envelope);
    else this.#stream.write(envelope);
  }

  /** Ends the request side (the server answers what it got, then ends the stream). */
  end(): void {
    if (this.#ending) return;
    this.#ending = true;
    this.#stream?.end();
  }

  async #run(manager: Http2SessionManager, onMessage: (message: DecodedResponse) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new ConnectError("the session was closed", Code.Canceled);
    let stream: http2.ClientHttp2Stream;
    try {
      stream = await manager.request("POST", SESSION_PATH, { "content-type": CONTENT_TYPE, "connect-protocol-version": "1" }, {});
    } catch (error) {
      throw connectErrorOf(error);
    }
    this.#stream = stream;
    const queued = this.#queued;
    this.#queued = [];
    if (queued.length > 0) stream.write(queued.length === 1 ? (queued[0] as Uint8Array) : Buffer.concat(queued));
    if (this.#ending) stream.end();
    const cancel = (): void => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    signal.addEventListener("abort", cancel, { once: true });
    if (signal.aborted) cancel();
    return new Promise<void>((resolve, reject) => {
      const reader = new EnvelopeReader(READ_MAX_BYTES);
      let failure: ConnectError | undefined;
      let ended = false;
      const fail = (error: ConnectError): void => {
        failure ??= error;
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      };
      stream.on("response", (headers) => {
        const status = Number(headers[":status"]);
        if (status !== 200) fail(new ConnectError(`HTTP ${status} from the session's endpoint`, codeFromHttpStatus(status)));
        else if (headers["content-type"] !== CONTENT_TYPE) fail(new ConnectError(`unexpected content type '${String(headers["content-type"])}' from the session's endpoint`, Code.Internal));
      });
      stream.on("data", (chunk: Buffer) => {
        manager.notifyResponseByteRead(stream);
        if (failure !== undefined) return;
        try {
          for (const frame of reader.read(chunk)) {
            if ((frame.flags & FLAG_END_STREAM) !== 0) {
              ended = true;
              const error = endStreamFromJson(frame.data).error;
              if (error !== undefined) failure ??= error;
              continue;
            }
            // Templates stay as the server sent them, decoded once per distinct template (session-response.ts).
            onMessage(decodeSessionResponse(frame.data));
          }
        } catch (error) {
          fail(error instanceof EnvelopeTooLarge ? new ConnectError(error.message, Code.ResourceExhausted) : ConnectError.from(error));
        }
      });
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        this.#ending = true;
        signal.removeEventListener("abort", cancel);
        if (failure !== undefined) reject(failure);
        else if (signal.aborted) reject(new ConnectError("the session was closed", Code.Canceled));
        else if (!ended) reject(new ConnectError(`the session's stream ended without an end-of-stream message (HTTP/2 code ${stream.rstCode})`, Code.Unavailable));
        else resolve();
      };
      stream.on("error", (error) => fail(connectErrorOf(error)));
      // The server ended its side (the call is over, whatever the worker still had to send): the
      // stream closes only once both sides have, so settle now and close ours.
      stream.on("end", () => {
        settle();
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
      });
      stream.on("close", settle);
      // The response is read through 'data'; nothing else consumes it.
      stream.resume();
    });
  }
}

/** A network error (refused, reset, the connection gone) as the UNAVAILABLE connect-es reports. */
function connectErrorOf(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  return new ConnectError(error instanceof Error ? error.message : String(error), Code.Unavailable, undefined, undefined, error);
}
