#!/usr/bin/env node
// Kept so that `node packages/cli/bin/flyte.ts` (scripts and tools written against the old entry)
// still works; the command itself is flyte.js, plain JavaScript.
import "./flyte.js";
