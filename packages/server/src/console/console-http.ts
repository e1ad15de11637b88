/**
 * Serves the console under `/console` on the server's port: the built files, with index.html for
 * every other path below `/console` so deep links (`/console/projects/P/domains/D/executions/N`)
 * open the app, which routes them itself. Hashed assets are cached for a year; index.html is
 * revalidated every time, so a new build is picked up at once.
 */
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { writeHead, type AnyRequest, type AnyResponse } from "../api/uploads.ts";
import { consoleAssetsDir } from "./console-assets.ts";

/** URL path of the console. */
export const CONSOLE_PREFIX = "/console";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Flyte console not built</title>
<p>The Flyte console is not built in this checkout. Run <code>npm ci</code> (it builds it) or
<code>npm run build --workspace @flyte/console</code>, then reload. The API is served all the same.</p>\n`;

function fileOf(root: string, pathname: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(CONSOLE_PREFIX.length));
  } catch {
    return undefined;
  }
  const path = normalize(join(root, rel));
  if (path !== root && !path.startsWith(root + sep)) return undefined; // `..` out of the folder
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

function send(req: AnyRequest, res: AnyResponse, path: string, cache: string): void {
  const size = statSync(path).size;
  writeHead(res, 200, {
    "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
    "content-length": String(size),
    "cache-control": cache,
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(path).pipe(res as NodeJS.WritableStream);
}

/**
 * The console's request handler; returns false for paths that are not the console's. `dir`
 * overrides where the built files are (tests); by default {@link consoleAssetsDir}.
 */
export function consoleHttp(dir: string | undefined = consoleAssetsDir()): (req: AnyRequest, res: AnyResponse, pathname: string) => boolean {
  return (req, res, pathname) => {
    if (pathname === "/" && (req.method === "GET" || req.method === "HEAD") && (req.headers.accept ?? "").includes("text/html")) {
      writeHead(res, 302, { location: `${CONSOLE_PREFIX}/` });
      res.end();
      return true;
    }
    if (pathname !== CONSOLE_PREFIX && !pathname.startsWith(`${CONSOLE_PREFIX}/`)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      writeHead(res, 405, { "content-type": "text/plain", allow: "GET, HEAD" });
      res.end("the console serves GET and HEAD only\n");
      return true;
    }
    if (dir === undefined) {
      writeHead(res, 503, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(NOT_BUILT);
      return true;
    }
    const file = fileOf(dir, pathname);
    if (file !== undefined && !file.endsWith(`${sep}index.html`)) {
      const hashed = pathname.startsWith(`${CONSOLE_PREFIX}/assets/`);
      send(req, res, file, hashed ? "public, max-age=31536000, immutable" : "no-cache");
      return true;
    }
    if (pathname.startsWith(`${CONSOLE_PREFIX}/assets/`)) {
      // A missing hashed asset is a stale page asking for an old build: 404, not the app.
      writeHead(res, 404, { "content-type": "text/plain" });
      res.end(`no such console asset: ${pathname}; reload the page\n`);
      return true;
    }
    send(req, res, join(dir, "index.html"), "no-cache");
    return true;
  };
}
