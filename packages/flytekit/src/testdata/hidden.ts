// Fixture: a workflow using a task that is neither exported nor named (no stable name).
import { z } from "zod";
import { task, workflow } from "flytekit";

const hidden = task({ inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n + 1);

export const uses_hidden = workflow({ inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => hidden({ n }));
