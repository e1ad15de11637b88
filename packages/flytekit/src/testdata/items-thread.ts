// An isolate entry for isolate-items.test.ts: runs `count` items one after another; item `hang`
// waits until its own signal is aborted (or forever, with `deaf`).
import { serveIsolate } from "../isolate/thread-kit.ts";

serveIsolate(async (payload, attempt) => {
  const { count, hang, deaf } = payload as { count: number; hang: number; deaf?: boolean };
  const ends: string[] = [];
  for (let i = 0; i < count; i++) {
    const signal = attempt.item(i);
    console.log(`item ${i}`);
    if (i === hang) {
      await new Promise<void>((resolve) => {
        if (!deaf) signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    ends.push(signal.aborted ? "aborted" : "done");
  }
  return ends;
});
