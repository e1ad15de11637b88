/**
 * Where the console's built files are: the `dist/` folder of the `@flyte/console` package (built
 * by `npm ci` in a checkout, shipped built in the published package), or `FLYTE_CONSOLE_DIR`.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

/** The folder holding the console's index.html, or undefined when the console is not built. */
export function consoleAssetsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env["FLYTE_CONSOLE_DIR"];
  if (override !== undefined && override !== "") return existsSync(join(override, "index.html")) ? resolve(override) : undefined;
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve("@flyte/console/package.json"));
  } catch {
    return undefined;
  }
  const dist = join(packageDir, "dist");
  return existsSync(join(dist, "index.html")) ? dist : undefined;
}
