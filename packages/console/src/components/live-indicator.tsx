/** Whether the page is live (streaming), polling, or finished — announced politely to screen readers. */
import type { LiveState } from "../api/use-live.ts";

const TEXT: Readonly<Record<LiveState, string>> = {
  connecting: "connecting…",
  live: "live",
  polling: "polling (stream unavailable)",
  done: "final",
};

/** The connection state. */
export function LiveIndicator({ state, error }: { readonly state: LiveState; readonly error: string | undefined }) {
  return (
    <span className={`live ${state}`} role="status" aria-live="polite" title={error ?? ""} data-live={state}>
      {TEXT[state]}
    </span>
  );
}
