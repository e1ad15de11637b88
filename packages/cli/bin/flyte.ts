#!/usr/bin/env node
console.log("flyte stub", process.argv.slice(2));
