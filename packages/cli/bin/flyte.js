#!/usr/bin/env node
// The `flyte` command. Plain JavaScript that any Node parses, so that an old Node gets one line
// saying what to install instead of a syntax error or a stack trace; all logic lives in src/.
import { existsSync } from "node:fs";
import * as nodeModule from "node:module";

/** The oldest Node that runs flyte: the first 22.x that strips TypeScript types without a flag. */
const MINIMUM_NODE = "22.18.0";

const [major = 0, minor = 0, patch = 0] = process.versions.node.split(".").map(Number);
const [needMajor = 0, needMinor = 0, needPatch = 0] = MINIMUM_NODE.split(".").map(Number);
if (major < needMajor || (major === needMajor && (minor < needMinor || (minor === needMinor && patch < needPatch)))) {
  process.stderr.write(
    `flyte: Node.js ${MINIMUM_NODE} or newer is needed, found ${process.versions.node}; ` +
      "get Node 24 from https://nodejs.org or with npm: npm install --prefix ~/.cache/node24 node@24 " +
      "&& export PATH=~/.cache/node24/node_modules/.bin:$PATH\n",
  );
  process.exit(1);
}

// Cache compiled (and type-stripped) modules on disk: most of a cold start is compiling the
// SDK, the engine and the generated IDL. The cache lives in the OS temp folder by default
// (NODE_COMPILE_CACHE overrides it) and is keyed by file content, so edits are picked up.
nodeModule.enableCompileCache();

// In a checkout of the repository Node runs the TypeScript sources (no build step); an installed
// package ships only the JavaScript built into dist/ (Node refuses to strip types under node_modules).
const source = new URL("../src/main.ts", import.meta.url);
const checkout = existsSync(source);
// Installed, where the files stay put between commands, where each import led is kept beside the
// compile cache (src/resolution-cache.ts); a checkout's files move with every edit and branch.
if (!checkout) (await import("../dist/resolution-cache.js")).cacheResolutions(import.meta.url);
const { main } = await import(checkout ? source.href : "../dist/main.js");
process.exitCode = await main(process.argv.slice(2));
