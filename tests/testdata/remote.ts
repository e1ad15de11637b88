// Workflows the remote CLI tests run on a real server: one that prints, one that fails, one that
// takes long enough to be terminated.
import { z } from "zod";
import { currentContext, task, workflow } from "flytekit";

export const shout = task({ name: "shout", inputs: { text: z.string() }, outputs: z.string() }, ({ text }) => {
  console.log(`shouting ${text}`);
  currentContext().logger.info("shouted");
  return text.toUpperCase();
});

export const explode = task({ name: "explode", inputs: {}, outputs: z.int() }, () => {
  throw new Error("kaboom");
});

export const nap = task({ name: "nap", inputs: { ms: z.int() }, outputs: z.int() }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
});

export const shout_wf = workflow({ name: "shout_wf", inputs: { text: z.string() }, outputs: z.string() }, ({ text }) => shout({ text }));

export const fails_wf = workflow({ name: "fails_wf", inputs: {}, outputs: z.int() }, () => explode({}));

export const slow_wf = workflow({ name: "slow_wf", inputs: { ms: z.int() }, outputs: z.int() }, ({ ms }) => nap({ ms }));
