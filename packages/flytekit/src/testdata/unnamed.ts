// Fixture: entities without explicit names, named by the loader from module path and export.
import { z } from "zod";
import { task, workflow } from "flytekit";

export const double = task({ inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => n * 2);

export const wf = workflow({ inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => double({ n }));
