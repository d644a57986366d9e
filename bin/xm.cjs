#!/usr/bin/env node
// CommonJS on purpose: require() loads the ESM bundle synchronously (Node >= 20.19),
// ~2-4 ms sooner than an ESM entry point, whose loader reads each module asynchronously.
require("../dist/xm.cjs").run();
