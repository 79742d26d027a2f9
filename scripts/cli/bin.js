#!/usr/bin/env node
// The `veche` executable: runs the TypeScript CLI through ts-node, transpiling only (no type check)
// so a command starts in about a second.
"use strict";
const path = require("node:path");

require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "..", "tsconfig.json"),
});
require("./main.ts").main();
