#!/usr/bin/env node
// The `flyte` command. Kept tiny: all logic lives in src/ so it can be tested in-process.
import { main } from "../src/main.ts";

process.exitCode = await main(process.argv.slice(2));
