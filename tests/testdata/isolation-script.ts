// A script (run with `node`) whose unexported task loops forever past its timeout, called at top
// level without an `import.meta.main` guard: the run must fail at the timeout and the process exit.
import { z } from "zod";
import { task, workflow } from "flytekit";

const busy = task({ name: "busy", inputs: { n: z.int() }, outputs: z.int(), timeout: "1s" }, ({ n }) => {
  for (;;) {
    if (n < 0) return n;
  }
});

const wf = workflow({ name: "script_wf", inputs: { n: z.int() }, outputs: z.int() }, ({ n }) => busy({ n }));

try {
  console.log(await wf({ n: 1 }));
} catch (err) {
  console.log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
}
