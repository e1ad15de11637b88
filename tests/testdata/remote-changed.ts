// `shout` again, with another interface: registering it under a version that already holds
// the original must be refused.
import { z } from "zod";
import { task } from "flytekit";

export const shout = task({ name: "shout", inputs: { text: z.string(), times: z.int() }, outputs: z.string() }, ({ text, times }) => text.repeat(times));
