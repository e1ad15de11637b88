#!/usr/bin/env node
// The `flyte` command. Kept tiny: all logic lives in src/ so it can be tested in-process.
import { enableCompileCache } from "node:module";

// Cache compiled (and type-stripped) modules on disk: most of a cold start is compiling the
// SDK, the engine and the generated IDL. The cache lives in the OS temp folder by default
// (NODE_COMPILE_CACHE overrides it) and is keyed by file content, so edits are picked up.
enableCompileCache();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
