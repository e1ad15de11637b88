// Fixture: a different task also named "shared", used only by another workflow.
import { z } from "zod";
import { task, workflow } from "flytekit";

const shared = task({ name: "shared", inputs: { s: z.string() }, outputs: z.string() }, ({ s }) => s);
export const wf_b = workflow({ name: "wf_b", inputs: { s: z.string() }, outputs: z.string() }, ({ s }) => shared({ s }));
