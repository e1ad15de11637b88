/**
 * The files `flyte init` writes: a small project whose tasks and workflow live in two files, with
 * a test and the TypeScript settings that make plain `tsc` and Node's type stripping agree.
 */

/** What the templates are filled with. */
export interface ProjectSettings {
  /** npm package name of the project. */
  readonly name: string;
  /** Dependency specs of flytekit, the CLI and their workspace siblings (name → spec). */
  readonly flyteDependencies: Readonly<Record<string, string>>;
  /** The Node range the project needs (the CLI's own `engines.node`). */
  readonly node: string;
}

/** zod range flytekit is written against (its own dependency range). */
const ZOD = "^4.1.0";

function packageJson(s: ProjectSettings): string {
  const manifest = {
    name: s.name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: s.node },
    scripts: {
      // `node --run flyte -- ARGS` runs the CLI without npm: npx starts npm itself first, which
      // costs about as much as a whole local run of the seed.
      flyte: "flyte",
      test: 'node --test "test/**/*.test.ts"',
      typecheck: "tsc -p tsconfig.json",
    },
    dependencies: { ...s.flyteDependencies, zod: ZOD },
    devDependencies: { "@types/node": "^24.0.0", typescript: "~6.0.3" },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const TSCONFIG = `{
  // Node runs the .ts files as they are (type stripping): only erasable syntax, and relative
  // imports name the .ts file. tsc checks, never emits.
  "compilerOptions": {
    "target": "es2024",
    "module": "nodenext",
    "strict": true,
    "noEmit": true,
    "types": ["node"],
    "verbatimModuleSyntax": true,
    "erasableSyntaxOnly": true,
    "skipLibCheck": true,
    // Lets imports say "./tasks.ts", the file Node loads (tsc would rewrite them if it emitted).
    "rewriteRelativeImportExtensions": true
  },
  "include": ["src", "test"]
}
`;

const TASKS = `// Tasks: typed units of code. They run when the workflow executes — in this process with
// \`flyte run\`, or on a worker with \`flyte run --remote\`.
import { z } from "zod";
import { task } from "flytekit";

export const greet = task({ inputs: { who: z.string() }, outputs: z.string() }, ({ who }) => \`Hello, \${who}!\`);

export const count_letters = task({ inputs: { text: z.string() }, outputs: z.int() }, ({ text }) => text.replace(/[^a-z]/gi, "").length);
`;

const WORKFLOW = `// A workflow wires tasks together. Its body runs once, when the workflow is compiled: calls
// return promises of outputs, not values, which you pass on to other calls.
//
//   npx flyte run src/workflow.ts hello_wf --who Ada --json
import { z } from "zod";
import { workflow } from "flytekit";
import { count_letters, greet } from "./tasks.ts";

export const hello_wf = workflow(
  { inputs: { who: z.string() }, outputs: { greeting: z.string(), letters: z.int() } },
  ({ who }) => {
    const greeting = greet({ who });
    return { greeting, letters: count_letters({ text: greeting }) };
  },
);

// Run as a script (\`node src/workflow.ts\`), not when \`flyte\` or a test imports this file.
if (import.meta.main) {
  console.log(await hello_wf({ who: "world" }));
}
`;

const TEST = `// Workflows run locally when called outside a workflow body: test them like any async function.
import assert from "node:assert/strict";
import { test } from "node:test";
import { hello_wf } from "../src/workflow.ts";

test("hello_wf greets and counts the letters of its greeting", async () => {
  assert.deepEqual(await hello_wf({ who: "Ada" }), { greeting: "Hello, Ada!", letters: 8 });
});
`;

const GITIGNORE = `node_modules/
.flyte/
`;

function readme(s: ProjectSettings): string {
  return `# ${s.name}

A Flyte project in TypeScript: tasks in \`src/tasks.ts\`, a workflow using them in
\`src/workflow.ts\`, a test in \`test/\`. Needs Node.js ${s.node.replace(/^>=/, "")} or newer.

Next:

\`\`\`sh
npm install
npx flyte run src/workflow.ts hello_wf --who Ada --json
# {"greeting":"Hello, Ada!","letters":8}
\`\`\`

\`node --run flyte -- run src/workflow.ts hello_wf --who Ada --json\` does the same without starting
npm first (npx does), about 0.3 s sooner on each command.

Then \`npm test\` runs the test, \`npm run typecheck\` type-checks with \`tsc\`, and on a server:

\`\`\`sh
npx flyte start                                # in another terminal
npx flyte register src/tasks.ts src/workflow.ts
npx flyte run --remote src/workflow.ts hello_wf --who Ada --wait --json
\`\`\`
`;
}

/** The project's files, path (relative to the project folder) → content. */
export function projectFiles(settings: ProjectSettings): Readonly<Record<string, string>> {
  return {
    "package.json": packageJson(settings),
    "tsconfig.json": TSCONFIG,
    "src/tasks.ts": TASKS,
    "src/workflow.ts": WORKFLOW,
    "test/workflow.test.ts": TEST,
    ".gitignore": GITIGNORE,
    "README.md": readme(settings),
  };
}
