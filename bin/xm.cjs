#!/usr/bin/env node
// CommonJS on purpose: no ESM loader to start (~5 ms). dist/xm.cjs is compiled with
// the V8 code cache the build writes beside it (Node 20's require() keeps none), so a
// run neither parses nor compiles it (~2-3 ms). The cache starts with the path it was
// made for, which V8 would put in stack traces: elsewhere (a moved tree) it is not
// used. V8 refuses a cache another Node or other flags made; the source then compiles
// as usual.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

const file = require.resolve('../dist/xm.cjs');
let cachedData;
try {
  const cache = readFileSync(`${file}.cache`);
  const nl = cache.indexOf(10);
  if (cache.toString('utf8', 0, nl) === file) cachedData = cache.subarray(nl + 1);
} catch {
  // no cache: compile from source
}
const core = new Module(file, module);
core.filename = file;
require.cache[file] = core; // the lazily loaded chunks require the core back
const wrapper = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData }).runInThisContext();
wrapper.call(core.exports, core.exports, Module.createRequire(file), core, file, dirname(file));
core.loaded = true;
core.exports.run();
