// An isolate entry for handover.test.ts: echoes its payload's size, leaves a timer behind when
// asked, and says whether the timer an earlier run left has run.
import { serveIsolate } from "../isolate/thread-kit.ts";

let timerRan = false;

serveIsolate(async (payload) => {
  const { timerMs, blob } = payload as { timerMs?: number; blob?: Uint8Array };
  const answer = { timerRan, bytes: blob?.length ?? 0, sum: blob?.reduce((a, b) => a + b, 0) ?? 0 };
  if (timerMs !== undefined) setTimeout(() => (timerRan = true), timerMs);
  return answer;
});
