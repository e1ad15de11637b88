// Fixture: a task named "shared" used only by a workflow (not exported itself).
import { z } from "zod";
import { task, workflow } from "flytekit";

const shared = task({ name: "shared", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => a);
export const wf_a = workflow({ name: "wf_a", inputs: { a: z.int() }, outputs: z.int() }, ({ a }) => shared({ a }));
