/**
 * DataProxyService: hands out URLs on this server for uploading files (code bundles, local file
 * inputs) and for reading them back. Both URLs of an upload point at the server itself:
 * `signedUrl` is where to `PUT` the bytes, `nativeUrl` where anyone who can reach the server may
 * `GET` them.
 *
 * The URLs are not signed yet: anyone who can reach the server may upload. Run it on a trusted
 * network until authentication lands.
 */
import { create } from "@bufbuild/protobuf";
import { durationMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  CreateDownloadLocationResponseSchema,
  CreateUploadLocationResponseSchema,
  type CreateDownloadLocationRequest,
  type CreateDownloadLocationResponse,
  type CreateUploadLocationRequest,
  type CreateUploadLocationResponse,
  type DataProxyService,
} from "@flyte/idl/gen/flyteidl/service/dataproxy_pb.js";
import { randomBytes } from "node:crypto";
import type { RegistryContext } from "./context.ts";
import { invalidArgument, unimplemented } from "./errors.ts";
import { UploadPathError, checkSegments, keyFromUrlPath, urlPathOfKey } from "./upload-paths.ts";
import { DOWNLOAD_PREFIX, UPLOAD_PREFIX } from "./uploads.ts";
import { requireActiveProjectDomain } from "./validate.ts";

/** How long a URL is said to be valid when the request does not say. */
const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;

/** What the data proxy needs besides the registry. */
export interface DataProxyOptions {
  /** The server's base URL (`http://host:port`) when a request does not tell which host it reached. */
  readonly baseUrl: () => string;
}

/** The base URL a client reached the server at: its Host header, else the configured URL. */
function baseUrlOf(handler: HandlerContext, options: DataProxyOptions): string {
  const host = handler.requestHeader.get("host") ?? handler.requestHeader.get(":authority");
  return host !== null && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : options.baseUrl();
}

/** Creates an upload location: `<base>/upload/<project>/<domain>/<root or md5>/<filename>`. */
export function createUploadLocation(
  ctx: RegistryContext,
  options: DataProxyOptions,
  req: CreateUploadLocationRequest,
  handler: HandlerContext,
): CreateUploadLocationResponse {
  if (req.project === "" || req.domain === "") throw invalidArgument("CreateUploadLocation needs a project and a domain");
  requireActiveProjectDomain(ctx, req.project, req.domain);
  const md5 = Buffer.from(req.contentMd5);
  if (req.filenameRoot === "" && md5.length === 0) {
    throw invalidArgument("CreateUploadLocation needs content_md5 (the MD5 of the file) or a filename_root to place the file under");
  }
  const root = req.filenameRoot !== "" ? req.filenameRoot : md5.toString("hex");
  const filename = req.filename !== "" ? req.filename : randomBytes(8).toString("hex");
  const key = [req.project, req.domain, ...root.split("/"), ...filename.split("/")];
  try {
    checkSegments(key, `upload location '${key.join("/")}'`);
  } catch (err) {
    if (err instanceof UploadPathError) throw invalidArgument(err.message);
    throw err;
  }
  const base = baseUrlOf(handler, options);
  const path = urlPathOfKey(key);
  const expiresIn = req.expiresIn === undefined ? DEFAULT_EXPIRY_MS : durationMs(req.expiresIn);
  const headers: Record<string, string> = {};
  if (req.addContentMd5Metadata && md5.length > 0) headers["Content-MD5"] = md5.toString("base64");
  return create(CreateUploadLocationResponseSchema, {
    signedUrl: `${base}${UPLOAD_PREFIX}${path}`,
    nativeUrl: `${base}${DOWNLOAD_PREFIX}${path}`,
    expiresAt: timestampFromMs(ctx.now() + expiresIn),
    headers,
  });
}

/** Download URL of an uploaded file: the native URL is already one. */
export function createDownloadLocation(ctx: RegistryContext, req: CreateDownloadLocationRequest): CreateDownloadLocationResponse {
  const m = /^https?:\/\/[^/]+(\/download\/.*)$/.exec(req.nativeUrl);
  if (m === null) throw invalidArgument(`'${req.nativeUrl}' is not a download URL of this server (expected http://<server>/download/...)`);
  try {
    keyFromUrlPath(m[1]!, DOWNLOAD_PREFIX);
  } catch (err) {
    if (err instanceof UploadPathError) throw invalidArgument(err.message);
    throw err;
  }
  const expiresIn = req.expiresIn === undefined ? DEFAULT_EXPIRY_MS : durationMs(req.expiresIn);
  return create(CreateDownloadLocationResponseSchema, { signedUrl: req.nativeUrl, expiresAt: timestampFromMs(ctx.now() + expiresIn) });
}

/** The DataProxyService implementation. */
export function dataProxyService(ctx: RegistryContext, options: DataProxyOptions): ServiceImpl<typeof DataProxyService> {
  return {
    createUploadLocation: (req, handler) => createUploadLocation(ctx, options, req, handler),
    createDownloadLocation: (req) => createDownloadLocation(ctx, req),
    createDownloadLink: () => {
      throw unimplemented("CreateDownloadLink", "execution data is not served yet");
    },
    getData: () => {
      throw unimplemented("GetData", "execution data is not served yet");
    },
  };
}
