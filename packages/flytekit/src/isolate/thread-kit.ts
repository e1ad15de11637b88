/**
 * The thread side of an isolate (isolate.ts): receives attempts, runs them one at a time with an
 * AbortSignal, sends what they print as it is printed, and reports errors nobody caught (which end
 * the attempt and the isolate). A thread entry module calls {@link serveIsolate} once.
 */
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { errorInfoOf, type FromThread, type LogStream, type ToThread } from "./protocol.ts";
import { redactSecrets } from "./secret-redaction.ts";

/** What the code running an attempt gets from the kit. */
export interface ThreadAttempt {
  /** Aborted on a timeout or a terminate; the isolate is stopped after the grace period. */
  readonly signal: AbortSignal;
  /** Asks the host something (see IsolateRunOptions.onRequest). */
  request(value: unknown): Promise<unknown>;
  /**
   * For a run that carries many items (a batch of a map's items): marks item `index` as the one
   * running now, so what it prints reaches the host tagged with it, and returns its own signal,
   * aborted with the run's or by the host for this item alone (`Isolate.abortItem`). Items of a
   * run go one after another: text printed later by an item that already ended (a timer it left)
   * is tagged with the item running then.
   */
  item(index: number): AbortSignal;
}

/** Runs one attempt's payload; its result is sent back as the attempt's value. */
export type AttemptHandler = (payload: unknown, attempt: ThreadAttempt) => Promise<unknown>;

/** Serves attempts on this thread's parent port with `handler`. */
export function serveIsolate(handler: AttemptHandler): void {
  const port = parentPort;
  if (port === null) throw new Error("serveIsolate() runs in a worker thread started by an Isolate");
  const send = (message: FromThread): void => port.postMessage(message);
  let controller: AbortController | undefined;
  /** The running item's index and signal's controller, for a run of many items. */
  let current: { index: number; controller: AbortController } | undefined;
  /** Items of the running run aborted before they started. */
  const aborted = new Map<number, unknown>();
  let nextRequest = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();

  const forward = (stream: NodeJS.WriteStream, name: LogStream): void => {
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      const item = current?.index;
      send(item === undefined ? { kind: "log", stream: name, text: redactSecrets(text) } : { kind: "log", stream: name, text: redactSecrets(text), item });
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    });
  };
  forward(process.stdout, "stdout");
  forward(process.stderr, "stderr");
  const crash = (err: unknown): void => send({ kind: "crash", error: errorInfoOf(err) });
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const attempt = (signal: AbortSignal): ThreadAttempt => {
    // Each item's signal is its own controller's, which the run's abort also aborts: one listener
    // per run rather than an `AbortSignal.any` per item (weak references and a finalization
    // registry for every attempt of a worker's isolate).
    const itemControllers: AbortController[] = [];
    signal.addEventListener("abort", () => {
      for (const c of itemControllers) c.abort(signal.reason);
    }, { once: true });
    return {
      signal,
      item(index: number): AbortSignal {
        const itemController = new AbortController();
        if (signal.aborted) itemController.abort(signal.reason);
        else if (aborted.has(index)) itemController.abort(aborted.get(index));
        itemControllers.push(itemController);
        current = { index, controller: itemController };
        return itemController.signal;
      },
      request(value: unknown): Promise<unknown> {
        const id = nextRequest++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          send({ kind: "request", id, value });
        });
      },
    };
  };

  port.on("message", (message: ToThread) => {
    switch (message.kind) {
      case "run": {
        const run = new AbortController();
        controller = run;
        current = undefined;
        aborted.clear();
        // The loop's idle time while the attempt runs is the time its code awaited something: the
        // host starts more isolates only for attempts that wait (isolate-pool.ts in the worker).
        const before = performance.eventLoopUtilization();
        handler(message.payload, attempt(run.signal)).then(
          (value) => send({ kind: "done", value, waitedMs: performance.eventLoopUtilization(before).idle }),
          crash,
        );
        return;
      }
      case "abort": {
        const reason = new DOMException(message.message, message.name);
        if (message.item === undefined) controller?.abort(reason);
        // An item that has not started yet starts aborted.
        else if (current?.index === message.item) current.controller.abort(reason);
        else aborted.set(message.item, reason);
        return;
      }
      case "reply": {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(String(message.value)));
        return;
      }
    }
  });  // The entry has loaded everything it imports: the host may now hand this thread work without
  // waiting for a start (a worker prefers a busy warm isolate to one still loading).
  send({ kind: "ready" });
}
