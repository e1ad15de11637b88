/**
 * FlyteAdmin's HTTP API (`/api/v1/...`), as its grpc-gateway serves it, in front of the same
 * service implementations the gRPC / Connect router runs: a request is matched against the
 * route table (routes.ts, from the `google.api.http` annotations), turned into the RPC's request
 * message (body, path variables, query parameters), handled, and answered as binary protobuf when
 * the client accepts `application/octet-stream` (as Flyte's console asks) or JSON with proto field
 * names otherwise. Failures are the gateway's JSON errors with the gRPC code mapped to a status.
 */
import type { IncomingHttpHeaders } from "node:http";
import { create, fromBinary, fromJsonString, toBinary, toJsonString, type DescMethod, type DescService, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError, createHandlerContext } from "@connectrpc/connect";
import { writeHead, type AnyRequest, type AnyResponse } from "../api/uploads.ts";
import { FieldValueError, setFieldPath } from "./request-fields.ts";
import { matchRoute, routeTable, type Route } from "./routes.ts";
import { errorBody, httpStatusOf } from "./status.ts";

/** The URL prefix the gateway serves. */
export const GATEWAY_PREFIX = "/api/v1/";

/** A service and its implementation (a `ServiceImpl`: one function per RPC, by local name). */
export interface GatewayService {
  readonly service: DescService;
  readonly impl: object;
}

/** Options of {@link httpGateway}. */
export interface GatewayOptions {
  /** Largest request body, in bytes. */
  readonly readMaxBytes: number;
}

/** Handles a request when its path is under {@link GATEWAY_PREFIX}; returns whether it did. */
export type GatewayHandler = (req: AnyRequest, res: AnyResponse, pathname: string) => boolean;

type Unary = (request: Message, context: unknown) => unknown;

/**
 * The gateway over `services`.
 *
 * @example
 * const gateway = httpGateway([{ service: AdminService, impl: admin }], { readMaxBytes: 1 << 20 });
 * if (gateway(req, res, pathname)) return;
 */
export function httpGateway(services: readonly GatewayService[], options: GatewayOptions): GatewayHandler {
  const routes = routeTable(services.map((s) => s.service));
  const impls = new Map(services.map((s) => [s.service.typeName, s.impl as Record<string, unknown>]));
  return (req, res, pathname) => {
    if (!pathname.startsWith(GATEWAY_PREFIX)) return false;
    serve(req, res, pathname, routes, impls, options).catch((error: unknown) => {
      console.error(`flyte: ${req.method ?? "?"} ${pathname} failed`, error);
      if (!res.headersSent) fail(res, Code.Internal, "internal error");
      else res.end();
    });
    return true;
  };
}

async function serve(
  req: AnyRequest,
  res: AnyResponse,
  pathname: string,
  routes: readonly Route[],
  impls: ReadonlyMap<string, Record<string, unknown>>,
  options: GatewayOptions,
): Promise<void> {
  const verb = (req.method ?? "GET").toUpperCase();
  const found = matchRoute(routes, verb, pathname);
  if (found === undefined) return fail(res, Code.NotFound, `no route for ${verb} ${pathname}; FlyteAdmin's HTTP API is served under ${GATEWAY_PREFIX}`);
  if (found === "method") return fail(res, Code.Unimplemented, `${pathname} does not take ${verb}`, 405);
  const { route, params } = found;
  const impl = impls.get(route.service.typeName)?.[route.method.localName];
  if (typeof impl !== "function") return fail(res, Code.Unimplemented, `${route.service.name}.${route.method.name} is not implemented`);

  let request: Message;
  try {
    const body = await readBody(req, options.readMaxBytes);
    request = requestOf(route, params, new URLSearchParams((req.url ?? "").split("?")[1] ?? ""), body, req.headers["content-type"] ?? "");
  } catch (error) {
    if (error instanceof ConnectError) return fail(res, error.code, error.rawMessage);
    return fail(res, Code.InvalidArgument, `${route.method.name}: ${error instanceof Error ? error.message : String(error)}`);
  }

  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const context = createHandlerContext({
    service: route.service,
    method: route.method,
    protocolName: "http-gateway",
    requestMethod: verb,
    url: req.url ?? pathname,
    requestSignal: controller.signal,
    requestHeader: headersOf(req.headers),
  });
  let response: Message;
  try {
    response = create(route.method.output, (await (impl as Unary)(request, context)) as never);
  } catch (error) {
    const ce = ConnectError.from(error);
    if (ce.code === Code.Internal || ce.code === Code.Unknown) console.error(`flyte: ${verb} ${pathname} (${route.method.name}) failed`, error);
    return fail(res, ce.code, ce.rawMessage);
  }
  respond(req, res, route.method, response);
}

/** The RPC's request: the body (`*` or one field), then path variables, then query parameters. */
function requestOf(route: Route, params: ReadonlyMap<string, string>, query: URLSearchParams, body: Uint8Array, contentType: string): Message {
  const schema = route.method.input;
  let request = create(schema) as Message;
  if (route.body !== "" && body.length > 0) {
    const binary = /application\/(octet-stream|x-protobuf|protobuf)/.test(contentType);
    if (route.body === "*") {
      request = (binary ? fromBinary(schema, body) : fromJsonString(schema, new TextDecoder().decode(body), { ignoreUnknownFields: true }));
    } else {
      const field = schema.fields.find((f) => f.name === route.body);
      if (field?.fieldKind !== "message") throw new Error(`the route's body field '${route.body}' is not a message field`);
      const value = binary ? fromBinary(field.message, body) : fromJsonString(field.message, new TextDecoder().decode(body), { ignoreUnknownFields: true });
      (request as unknown as Record<string, unknown>)[field.localName] = value;
    }
  }
  for (const [path, value] of params) {
    if (!setFieldPath(request, schema, path, value)) throw new FieldValueError(`the path variable ${path} names no field of ${schema.typeName}`);
  }
  if (route.body !== "*") {
    for (const [key, value] of query) if (!params.has(key)) setFieldPath(request, schema, key, value);
  }
  return request;
}

function respond(req: AnyRequest, res: AnyResponse, method: DescMethod, response: Message): void {
  const accept = req.headers.accept ?? "";
  if (/application\/(octet-stream|x-protobuf|protobuf)/.test(accept)) {
    const bytes = toBinary(method.output, response as never);
    writeHead(res, 200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    res.end(bytes);
    return;
  }
  const text = toJsonString(method.output, response as never, { useProtoFieldName: true });
  writeHead(res, 200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: AnyResponse, code: Code, message: string, status = httpStatusOf(code)): void {
  const text = errorBody(code, message);
  writeHead(res, status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: AnyRequest, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ConnectError(`the request body is larger than ${maxBytes} bytes`, Code.ResourceExhausted);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Request headers as a `HeadersInit`, without HTTP/2 pseudo-headers (their `:authority` is the host). */
function headersOf(headers: IncomingHttpHeaders): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name === ":authority" ? "host" : name;
    if (key.startsWith(":")) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([key, v]);
  }
  return out;
}
