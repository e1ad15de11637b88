/**
 * A direct path for `WorkerService.Session` over HTTP/2: the stream's request envelopes decoded
 * as their bytes arrive and the session's messages written as envelopes, with the session logic
 * of worker-session.ts, without connect-es's pipeline. Assignments go as the bytes the queue
 * holds (session-response.ts): their templates are not encoded again for every message.
 *
 * Through the router each message went through a chain of async iterables on both sides of the
 * handler (several promises and generator resumptions per message), and a response message was
 * written only after the previous one's write callback. Here the session's next message is taken
 * once per turn (a `nextTick` after the first thing queued, so everything the turn's promises
 * produce goes together) and written in one `write`, its end-of-stream with it when the session
 * ends. Connect (`application/connect+proto`) and gRPC (`application/grpc[+proto]`) streams are
 * served, uncompressed and without a timeout header; anything else (HTTP/1.1, JSON, gRPC-web,
 * compression, deadlines) goes on to the router, which answers it as before.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { endStreamToJson } from "@connectrpc/connect/protocol-connect";
import { Channel, EnvelopeReader, EnvelopeTooLarge, FLAG_COMPRESSED, FLAG_END_STREAM, envelope } from "@flyte/engine";
import { SessionRequestSchema, type SessionRequest } from "@flyte/idl/gen/flyte/worker/v1/worker_pb.js";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { grpcMessageText } from "../api/grpc-message.ts";
import type { AnyRequest, AnyResponse } from "../api/uploads.ts";
import { keepArrived } from "./completion-wire.ts";
import { startSession, type WorkerSessionEnv } from "./worker-session.ts";

/** The session's HTTP/2 path. */
export const SESSION_PATH = "/flyte.worker.v1.WorkerService/Session";

type Protocol = "connect" | "grpc";

/**
 * The direct path: answers a session stream it can serve (true) and leaves any other request
 * to the next handler (false). `readMaxBytes` bounds one request message, as the router's does.
 */
export function sessionDirectPath(env: WorkerSessionEnv, options: { readonly readMaxBytes: number }): (req: AnyRequest, res: AnyResponse, pathname: string) => boolean {
  return (req, res, pathname) => {
    if (pathname !== SESSION_PATH || req.httpVersion !== "2.0" || req.method !== "POST" || req.url !== SESSION_PATH) return false;
    const protocol = protocolOf(req);
    if (protocol === undefined) return false;
    serve(env, protocol, req as Http2ServerRequest, res as Http2ServerResponse, options.readMaxBytes);
    return true;
  };
}

/** The protocol of a stream this path serves; undefined for anything the router should answer. */
function protocolOf(req: AnyRequest): Protocol | undefined {
  const headers = req.headers;
  const type = headers["content-type"];
  if (type === "application/connect+proto") {
    const encoding = headers["connect-content-encoding"];
    return (encoding === undefined || encoding === "identity") && headers["connect-timeout-ms"] === undefined ? "connect" : undefined;
  }
  if (type === "application/grpc" || type === "application/grpc+proto") {
    const encoding = headers["grpc-encoding"];
    return (encoding === undefined || encoding === "identity") && headers["grpc-timeout"] === undefined ? "grpc" : undefined;
  }
  return undefined;
}

/** What {@link pendingFrames} reads: the session's outbox (worker-session.ts). */
export interface TakesNow {
  takeNow(): Uint8Array | { readonly end: true; readonly error: ConnectError | undefined } | undefined;
}

/**
 * Every message `out` holds now, as envelopes in one buffer (undefined when none), and its end
 * when it closed and drained. The outbox builds one message of what is pending, but nothing in
 * this path depends on that: a message more is written, not thrown on (a throw here runs in a
 * `process.nextTick` and would end the server, not the session).
 */
export function pendingFrames(out: TakesNow): { readonly frame: Buffer | undefined; readonly end: { readonly end: true; readonly error: ConnectError | undefined } | undefined } {
  const frames: Buffer[] = [];
  for (;;) {
    const item = out.takeNow();
    if (item instanceof Uint8Array) {
      frames.push(envelope(0, item));
      continue;
    }
    const frame = frames.length === 0 ? undefined : frames.length === 1 ? frames[0] : Buffer.concat(frames);
    return { frame, end: item };
  }
}

function serve(env: WorkerSessionEnv, protocol: Protocol, req: Http2ServerRequest, res: Http2ServerResponse, readMaxBytes: number): void {
  const requests = new Channel<SessionRequest>();
  const gone = new AbortController();
  const session = startSession(env, requests, gone.signal);
  const reader = new EnvelopeReader(readMaxBytes);
  let ended = false;
  let scheduled = false;
  let draining = false;

  res.writeHead(200, { "content-type": protocol === "connect" ? "application/connect+proto" : "application/grpc+proto" });

  /** Writes what the session has to send (and its end, once it ended), in one write. */
  const flush = (): void => {
    scheduled = false;
    if (ended || draining || res.destroyed) return;
    const { frame, end: closed } = pendingFrames(session.out);
    // The server shuts down or the worker went away: end after what is pending, as the router did.
    const end = closed ?? (session.signal.aborted ? { end: true as const, error: undefined } : undefined);
    if (end !== undefined) {
      finish(end.error, frame);
      return;
    }
    if (frame === undefined) return;
    if (!res.write(frame)) {
      draining = true;
      res.once("drain", () => {
        draining = false;
        flush();
      });
    }
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(flush);
  };

  /** Ends the response: the last message (if any) and the status. */
  const finish = (error: ConnectError | undefined, last?: Buffer): void => {
    if (ended) return;
    ended = true;
    // Whatever the worker still sends is not read: the session's reading ends here.
    requests.end();
    void session.stop();
    if (res.destroyed || res.writableEnded) return;
    if (protocol === "connect") {
      const tail = envelope(FLAG_END_STREAM, new TextEncoder().encode(JSON.stringify(endStreamToJson(new Headers(), error, undefined))));
      res.end(last === undefined ? tail : Buffer.concat([last, tail]));
      return;
    }
    res.addTrailers(error === undefined ? { "grpc-status": "0" } : { "grpc-status": String(error.code), "grpc-message": grpcMessageText(error.rawMessage) });
    if (last === undefined) res.end();
    else res.end(last);
  };

  session.out.onReady = schedule;
  session.signal.addEventListener("abort", schedule, { once: true });

  req.on("data", (chunk: Buffer) => {
    if (ended) return;
    let frames;
    try {
      frames = reader.read(chunk);
    } catch (error) {
      if (!(error instanceof EnvelopeTooLarge)) throw error;
      finish(new ConnectError(error.message, Code.ResourceExhausted));
      return;
    }
    for (const frame of frames) {
      if ((frame.flags & FLAG_COMPRESSED) !== 0) {
        finish(new ConnectError("protocol error: received a compressed message without a content encoding", Code.Internal));
        return;
      }
      let message: SessionRequest;
      try {
        message = fromBinary(SessionRequestSchema, frame.data);
        // The queue keeps each completion as it came, not encoded again (completion-wire.ts).
        keepArrived(message.completions, frame.data);
      } catch (error) {
        finish(new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.InvalidArgument));
        return;
      }
      requests.push(message);
    }
  });
  req.on("end", () => {
    if (reader.partial) finish(new ConnectError("protocol error: the request stream ended inside a message", Code.InvalidArgument));
    // The worker ended its side (it is stopping): the session answers what it sent, then ends.
    else requests.end();
  });
  // The stream is gone (ended both ways, or reset by the worker): the session stops.
  res.on("close", () => {
    gone.abort();
    requests.end();
  });
}
