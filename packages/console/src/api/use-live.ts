/**
 * Live data for one page over one server stream: reconnects after a disconnect (the caller's
 * `stream` resumes from its own cursor), and after repeated failures falls back to polling until
 * a stream works again. `done` ends both once nothing can change any more.
 */
import { useEffect, useRef, useState } from "react";
import { sleep } from "../lib/sleep.ts";
import { takeEarly } from "./early-streams.ts";

/** How a page gets its live data. */
export interface LiveSource<T> {
  /** Opens the stream; called again on reconnect. */
  readonly stream: (signal: AbortSignal) => AsyncIterable<T>;
  /** One request for the same data, used while streaming fails. */
  readonly poll: (signal: AbortSignal) => Promise<T>;
  /** Receives every message, from either path. */
  readonly onMessage: (message: T) => void;
  /** True when `message` is final (an ended execution): stop watching. */
  readonly done?: (message: T) => boolean;
  /**
   * Awaited before the first connection. A page that can draw first from smaller requests (the
   * execution page: its header and workflow) opens the stream only then, so that the server's
   * encoding of thousands of node records, and the page's decoding of them, do not delay it.
   */
  readonly after?: Promise<void>;
}

/** Connection state shown to users: streaming, polling (degraded), or finished. */
export type LiveState = "connecting" | "live" | "polling" | "done";

const POLL_MS = 2000;
const STREAM_FAILURES_BEFORE_POLLING = 3;
/** While polling, the stream is tried again after this many polls. */
const POLLS_BEFORE_STREAM_RETRY = 5;

/** One poll as a stream of one message, so both paths share one loop. */
async function* once<T>(message: Promise<T>): AsyncIterable<T> {
  yield await message;
}

/** Runs `source` while the component is mounted and `key` is unchanged; returns the state and last error. */
export function useLive<T>(key: string, source: LiveSource<T>): { state: LiveState; error: string | undefined } {
  const [state, setState] = useState<LiveState>("connecting");
  const [error, setError] = useState<string | undefined>(undefined);
  const ref = useRef(source);
  ref.current = source;
  useEffect(() => {
    const abort = new AbortController();
    const { signal } = abort;
    setState("connecting");
    setError(undefined);
    void (async () => {
      // Stream failures in a row; from STREAM_FAILURES_BEFORE_POLLING on, each turn polls instead.
      let failures = 0;
      let polls = 0;
      await ref.current.after;
      while (!signal.aborted) {
        const polling = failures >= STREAM_FAILURES_BEFORE_POLLING;
        if (polling) setState("polling");
        try {
          // The first connection takes over a stream the entry opened early for this key.
          const messages = polling ? once(ref.current.poll(signal)) : (takeEarly<T>(key, signal) ?? ref.current.stream(signal));
          for await (const message of messages) {
            if (!polling) {
              failures = 0;
              setState("live");
            }
            setError(undefined);
            ref.current.onMessage(message);
            if (ref.current.done?.(message) === true) {
              setState("done");
              return;
            }
          }
          // A stream the server ended (it closed) is simply opened again.
        } catch (e) {
          if (signal.aborted) return;
          if (!polling) failures++;
          setError(e instanceof Error ? e.message : String(e));
        }
        if (polling && ++polls % POLLS_BEFORE_STREAM_RETRY === 0) failures = STREAM_FAILURES_BEFORE_POLLING - 1; // one more stream try
        await sleep(polling ? POLL_MS : Math.min(500 * 2 ** failures, 5000), signal);
      }
    })();
    return () => abort.abort();
  }, [key]);
  return { state, error };
}
