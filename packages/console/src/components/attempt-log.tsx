/**
 * An attempt's log, inline: fetched from the server's `/logs/...` path, and fetched again every
 * second while the attempt runs (the worker streams what the task prints), keeping the view at
 * the bottom when it was there.
 */
import { useEffect, useRef, useState } from "react";

/** The log text at `url` (a path on this server); `live` keeps it refreshing. */
export function AttemptLog({ url, live }: { readonly url: string; readonly live: boolean }) {
  const [text, setText] = useState<string | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      try {
        const res = await fetch(url, { signal: abort.signal, cache: "no-store" });
        if (res.ok) {
          const body = await res.text();
          const el = pre.current;
          const atBottom = el === null || el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          setText(body);
          setMissing(false);
          if (atBottom) requestAnimationFrame(() => pre.current?.scrollTo({ top: pre.current.scrollHeight }));
        } else setMissing(true);
      } catch {
        if (abort.signal.aborted) return;
      }
      if (live && !abort.signal.aborted) timer = setTimeout(() => void load(), 1000);
    };
    void load();
    return () => {
      abort.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [url, live]);
  if (text === undefined) return <p className="muted">{missing ? "No log yet." : "Loading the log…"}</p>;
  return (
    <pre ref={pre} className="log" tabIndex={0} aria-label="Attempt log" data-log>
      {text === "" ? "(the task printed nothing)" : text}
    </pre>
  );
}
