/**
 * A direct path for a few unary RPCs over the Connect protocol with binary messages (the
 * console's transport: `fetch` over HTTP/1.1, `content-type: application/proto`). It exists for
 * answers kept encoded (encoded-answer.ts): through connect-es's router a 5,000-node
 * `GetWorkflow` answer was encoded and gzipped again for every request (docs/benchmarks.md).
 * Here the kept bytes are written as they are, or their gzip form, kept too, when the client
 * accepts gzip (browsers always do). Errors are Connect's JSON errors with connect-es's HTTP
 * statuses; anything else (JSON messages, compressed requests, GET, other methods) goes on to
 * the router.
 */
import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { EncodedAnswer } from "./encoded-answer.ts";
import { encodedAnswer, type FastPath, type FastUnaryMethod } from "./grpc-unary-fast-path.ts";
import { writeHead } from "./uploads.ts";

type AnyResponse = ServerResponse | Http2ServerResponse;

const CONTENT_TYPE = "application/proto";
/** connect-es's default: smaller answers are not worth compressing. */
const COMPRESS_MIN_BYTES = 1024;

/** The direct path for `methods`; request bodies larger than `readMaxBytes` are refused as the router does. */
export function connectUnaryFastPath(methods: readonly FastUnaryMethod[], options: { readonly readMaxBytes: number }): FastPath {
  const byPath = new Map(methods.map((m) => [m.path, m]));
  return (req, res) => {
    if (req.method !== "POST") return false;
    const method = byPath.get(req.url ?? "");
    if (method === undefined) return false;
    const h = req.headers;
    if (h["content-type"] !== CONTENT_TYPE) return false;
    const encoding = h["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const version = h["connect-protocol-version"];
    if (version !== undefined && version !== "1") return false;
    serve(method, req, res, options.readMaxBytes);
    return true;
  };
}

function serve(method: FastUnaryMethod, req: IncomingMessage | Http2ServerRequest, res: AnyResponse, readMaxBytes: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > readMaxBytes) {
      refused = true;
      answerError(res, new ConnectError(`message size is larger than configured readMaxBytes ${readMaxBytes}`, Code.ResourceExhausted));
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    let request: MessageShape<DescMessage>;
    try {
      request = fromBinary(method.input, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    } catch (error) {
      // The client's fault, as rpc-handler.ts reports it.
      answerError(res, new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.InvalidArgument));
      return;
    }
    void respond(method, request, req.headers, res);
  });
}

/** Calls the implementation and answers with its message or its error; never rejects. */
async function respond(method: FastUnaryMethod, request: MessageShape<DescMessage>, headers: IncomingHttpHeaders, res: AnyResponse): Promise<void> {
  let body: Uint8Array;
  let gzipped = false;
  try {
    const response = await method.call(request);
    body = encodedAnswer(method, response);
    // Only kept answers are compressed: their gzip form is kept with them.
    if (response instanceof EncodedAnswer && body.length >= COMPRESS_MIN_BYTES && acceptsGzip(headers["accept-encoding"])) {
      body = await response.gzipped();
      gzipped = true;
    }
  } catch (error) {
    if (!(error instanceof ConnectError)) console.error(`flyte: rpc ${method.path} failed`, error);
    answerError(res, error instanceof ConnectError ? error : new ConnectError("internal error", Code.Internal));
    return;
  }
  if (res.writableEnded || res.destroyed) return;
  writeHead(res, 200, { "content-type": CONTENT_TYPE, "content-length": body.length, ...(gzipped ? { "content-encoding": "gzip" } : {}) });
  res.end(body);
}

/** A Connect unary error: JSON, with the HTTP status of its code. */
function answerError(res: AnyResponse, error: ConnectError): void {
  if (res.writableEnded || res.destroyed) return;
  const body = errorToJsonBytes(error, {});
  writeHead(res, codeToHttpStatus(error.code), { "content-type": "application/json", "content-length": body.length });
  res.end(body);
}

/** Whether an `Accept-Encoding` header lists gzip (and not with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((item) => {
    const [name, ...params] = item.split(";").map((p) => p.trim());
    return name === "gzip" && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}
