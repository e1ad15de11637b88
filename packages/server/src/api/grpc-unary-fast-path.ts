/**
 * A direct path for a few hot unary RPCs over gRPC: the request body read, decoded, answered and
 * framed here, on the HTTP/2 stream itself, without connect-es's handler pipeline and without
 * Node's request/response compatibility objects.
 *
 * Clients poll `GetExecution` as fast as it answers (the benchmarks' clients every millisecond),
 * and create executions as fast as they are answered (the throughput harness's 32 clients).
 * Through connect-es each call cost the server about 1.4 ms of CPU at load 10 (docs/benchmarks.md,
 * sixth round): a chain of async iterables per call, a handler context with three `Headers` and
 * an `AbortController` that the handler aborts when the response is done (a `DOMException`, stack
 * trace and all, for every call), and the garbage of all that — CPU that the steps of running
 * executions then wait behind. Through `http2`'s compatibility API (`Http2ServerRequest` /
 * `Http2ServerResponse`: two objects, a `Readable` the body is pushed through, and wrappers
 * around every write) a call still cost a sixth more than on the stream (docs/benchmarks.md,
 * ninth round). What this path serves is exactly what the router would: the same
 * implementation, the same messages and the same status codes; anything it does not handle (other
 * protocols, compression, HTTP/1.1, other methods) goes on to the router (stream-routing.ts).
 */
import { create, fromBinary, isMessage, toBinary, type DescMessage, type DescMethod, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createHandlerContext, type HandlerContext } from "@connectrpc/connect";
import { ENVELOPE_HEADER, envelope, envelopeHeader } from "@flyte/engine";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse, IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { EncodedAnswer } from "./encoded-answer.ts";
import { grpcMessageText } from "./grpc-message.ts";

/** One unary method served directly; `call` must not need a handler context. */
export interface FastUnaryMethod<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  /** `/<package>.<Service>/<Method>`. */
  readonly path: string;
  readonly input: I;
  readonly output: O;
  /**
   * The implementation: a message or its init shape, as connect-es accepts, or the answer already
   * encoded (encoded-answer.ts).
   */
  readonly call: (request: MessageShape<I>) => Promise<MessageInitShape<O> | EncodedAnswer> | MessageInitShape<O> | EncodedAnswer;
}

/** A handler that answers matching requests (true) and leaves the others to the next one (false). */
export type FastPath = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => boolean;

/** A handler of new HTTP/2 streams that answers matching calls (true) and leaves the others to the router (false). */
export type FastStreamPath = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => boolean;

const CONTENT_TYPE = "application/grpc+proto";
/** Answers up to this size are copied behind their envelope and sent in one write (one DATA frame). */
const COPY_MAX_BYTES = 16 * 1024;

/**
 * A handler context for calls on the direct path: no request headers, a signal that is never
 * aborted (the calls are short and read only), nothing read back from it. Shareable between calls
 * of an implementation that neither reads nor writes its context.
 */
export function unaryContext(method: DescMethod): HandlerContext {
  return createHandlerContext({ service: method.parent, method, protocolName: "grpc", requestMethod: "POST", url: "", requestHeader: {} });
}

/** The direct path for `methods`; requests larger than `readMaxBytes` are refused as the router does. */
export function grpcUnaryFastPath(methods: readonly FastUnaryMethod[], options: { readonly readMaxBytes: number }): FastStreamPath {
  const byPath = new Map(methods.map((m) => [m.path, m]));
  return (stream, headers) => {
    if (headers[":method"] !== "POST") return false;
    const method = byPath.get(headers[":path"] ?? "");
    if (method === undefined) return false;
    const type = headers["content-type"];
    if (type !== "application/grpc" && type !== CONTENT_TYPE) return false;
    const encoding = headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    serve(method, stream, options.readMaxBytes);
    return true;
  };
}

function serve(method: FastUnaryMethod, stream: ServerHttp2Stream, readMaxBytes: number): void {
  // A stream the client resets (a cancelled call, a closed connection) emits 'error'; there is
  // nothing left to answer, and without a listener the error would be thrown.
  stream.on("error", () => {});
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  stream.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > readMaxBytes + ENVELOPE_HEADER) {
      if (!refused) answer(stream, new ConnectError(`message size is larger than configured readMaxBytes ${readMaxBytes}`, Code.ResourceExhausted));
      refused = true;
      return;
    }
    chunks.push(chunk);
  });
  stream.on("end", () => {
    if (refused) return;
    let request;
    try {
      request = fromBinary(method.input, messageOf(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    } catch (error) {
      answer(stream, error instanceof ConnectError ? error : new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.InvalidArgument));
      return;
    }
    void respond(method, request, stream);
  });
}

/** Calls the implementation and answers with its message or its error; never rejects. */
async function respond(method: FastUnaryMethod, request: MessageShape<DescMessage>, stream: ServerHttp2Stream): Promise<void> {
  let message: Uint8Array;
  try {
    message = encodedAnswer(method, await method.call(request));
  } catch (error) {
    answer(stream, error, undefined, method.path);
    return;
  }
  answer(stream, undefined, message);
}

/** The bytes of an implementation's answer. */
export function encodedAnswer(method: FastUnaryMethod, response: MessageInitShape<DescMessage> | EncodedAnswer): Uint8Array {
  if (response instanceof EncodedAnswer) return response.bytes;
  return toBinary(method.output, isMessage(response, method.output) ? response : create(method.output, response));
}

/** The one message of a unary request's body. */
function messageOf(body: Buffer): Uint8Array {
  if (body.length < ENVELOPE_HEADER) throw new ConnectError("protocol error: the request body holds no complete gRPC message", Code.InvalidArgument);
  if ((body[0] as number) & 1) throw new ConnectError("protocol error: a compressed message without grpc-encoding", Code.Internal);
  const length = body.readUInt32BE(1);
  if (body.length !== ENVELOPE_HEADER + length) throw new ConnectError("protocol error: a unary request must carry exactly one message", Code.InvalidArgument);
  return body.subarray(ENVELOPE_HEADER);
}

const RESPONSE_HEADERS: OutgoingHttpHeaders = { ":status": 200, "content-type": CONTENT_TYPE };
const OK_TRAILERS: OutgoingHttpHeaders = { "grpc-status": "0" };

/** Headers, the response message (if any), and the status in the trailers. */
function answer(stream: ServerHttp2Stream, error: unknown, message?: Uint8Array, path?: string): void {
  // The client went away (or an answer was sent already): nothing to write to.
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  let trailers = OK_TRAILERS;
  if (error !== undefined) {
    if (!(error instanceof ConnectError)) console.error(`flyte: rpc ${path ?? "?"} failed`, error);
    const e = error instanceof ConnectError ? error : new ConnectError("internal error", Code.Internal);
    trailers = { "grpc-status": String(e.code), "grpc-message": grpcMessageText(e.rawMessage) };
  }
  stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  stream.once("wantTrailers", () => {
    // Reset meanwhile: the trailers have nowhere to go.
    if (!stream.destroyed) stream.sendTrailers(trailers);
  });
  if (message === undefined) {
    stream.end();
    return;
  }
  if (message.length > COPY_MAX_BYTES) {
    // A big answer (a kept GetWorkflow encoding is hundreds of kilobytes) is written after its
    // envelope rather than copied behind it: the copy into a fresh buffer cost ~2 ms per call.
    stream.write(envelopeHeader(0, message.length));
    stream.end(message);
    return;
  }
  stream.end(envelope(0, message));
}
