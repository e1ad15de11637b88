/** The current time, re-rendering every `ms` (running durations tick without refetching). */
import { useEffect, useState } from "react";

/** Milliseconds since the epoch, refreshed every `ms`. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
