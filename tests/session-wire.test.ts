// The worker's session stream (packages/worker/src/session-stream.ts) against the real server's
// direct path (packages/server/src/dispatch/session-direct.ts): a stream the server ends settles
// on the worker's side at once, with the server's code and text, even while the worker's own side
// is still open (the worker then reconnects instead of waiting on a half-closed stream).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { envelope } from "@flyte/engine";
import { startServer } from "../packages/server/src/server.ts";
import { sessionRequestBytes } from "../packages/worker/src/completion-bytes.ts";
import { SessionStream } from "../packages/worker/src/session-stream.ts";

test("a session the server ends with an error settles on the worker's side while its own side is open", async () => {
  const dir = mkdtempSync(join(tmpdir(), "flyte-session-wire-"));
  const server = await startServer({ dataDir: dir, port: 0, fsync: false });
  const connection = new Http2SessionManager(server.url);
  try {
    // Bounded (generously): a stream left half-closed would otherwise never settle.
    const bound = AbortSignal.timeout(20_000);
    const stream = new SessionStream(connection, () => {}, bound);
    // No worker id in the first message: the server ends the stream; the worker never ends its side.
    stream.write(envelope(0, sessionRequestBytes({ credit: 1 }, [])));
    const error = await stream.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(bound.aborted, false, "settled when the server ended the stream, not when the bound cancelled it");
    assert.ok(error instanceof ConnectError, `a ConnectError, not ${String(error)}`);
    assert.equal(error.code, Code.InvalidArgument);
    assert.match(error.rawMessage, /^Session needs worker_id in its first message/);
  } finally {
    connection.abort();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
