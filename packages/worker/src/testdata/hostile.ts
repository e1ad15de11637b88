// Tasks that misbehave, for the isolation tests: each must affect only its own attempt.
import { z } from "zod";
import { currentContext, task } from "flytekit";

export const spin = task({ name: "spin", outputs: z.int(), timeout: "3s" }, () => {
  console.log("spinning");
  for (;;) {
    // a synchronous loop: only stopping the isolate ends it
  }
});

export const spinUntilStopped = task({ name: "spinUntilStopped", outputs: z.int() }, () => {
  console.log("spinning until stopped");
  for (;;) {
    // no timeout: a cancel from the server must stop it
  }
});

export const hang = task({ name: "hang", outputs: z.int(), timeout: "1s" }, () => new Promise<number>(() => {}));

export const politeHang = task({ name: "politeHang", outputs: z.string(), timeout: "1s" }, () => {
  const { signal } = currentContext();
  return new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(new Error(`aborted: ${String((signal.reason as Error).name)}`))));
});

export const exits = task({ name: "exits", outputs: z.int() }, () => {
  process.exit(3);
});

export const throwsLater = task({ name: "throwsLater", outputs: z.int() }, () =>
  new Promise<number>(() => {
    setTimeout(() => {
      throw new SyntaxError("thrown in a timer");
    }, 10);
  }),
);

export const rejectsDetached = task({ name: "rejectsDetached", outputs: z.int() }, async () => {
  void Promise.reject(new RangeError("detached failure"));
  return new Promise<number>(() => {});
});

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}
export const overflows = task({ name: "overflows", outputs: z.int() }, () => recurse(0));

export const hog = task({ name: "hog", outputs: z.int(), limits: { mem: "64Mi" } }, () => {
  const kept: number[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
});

let calls = 0;
export const counterWarm = task({ name: "counterWarm", outputs: z.int() }, () => ++calls);
export const counterFresh = task({ name: "counterFresh", outputs: z.int(), isolation: "fresh" }, () => ++calls);

export const chatty = task({ name: "chatty", outputs: z.string() }, async () => {
  console.log("first line, before the wait");
  await new Promise((r) => setTimeout(r, 3_000));
  return "done";
});

export const secretive = task({ name: "secretive", outputs: z.int(), secrets: [{ group: "db", key: "password" }] }, () => {
  const value = currentContext().secrets.get("db", "password");
  console.log(`the password is ${value}`);
  return value.length;
});

export const fine = task({ name: "fine", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a + 1);
