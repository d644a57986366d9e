#!/usr/bin/env node
// CommonJS on purpose: no ESM loader to start (~5 ms). dist/xm.cjs is compiled with
// the V8 code cache the build writes beside it (Node 20's require() keeps none), so a
// run neither parses nor compiles it (~2-3 ms). The cache starts with the path it was
// made for, which V8 would put in stack traces: elsewhere (a moved tree) it is not
// used. V8 refuses a cache another Node or other flags made; the source then compiles
// as usual.
'use strict';
const { closeSync, fstatSync, mkdirSync, openSync, readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const Module = require('node:module');
const { Script } = require('node:vm');

// Node 22+ keeps what it compiles of the chunks loaded later (other commands, completion,
// the config interpreter) in its own compile cache: per user (XDG_CACHE_HOME or ~/.cache,
// made 0700), never the cache Node would share in /tmp. Node 20 has none.
const cacheHome = process.env.XDG_CACHE_HOME || (process.env.HOME && `${process.env.HOME}/.cache`);
if (Module.enableCompileCache && cacheHome) {
  try {
    const dir = `${cacheHome}/xend-suite/compile-cache`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    Module.enableCompileCache(dir);
  } catch {
    // an unwritable home: compile as usual
  }
}

const file = require.resolve('../dist/xm.cjs');
// The source first, and the cache only if it was made from this very file (a rebuild
// swapping dist/ between the two reads, or an edit keeping the length, is not used).
const fd = openSync(file, 'r');
const { size, mtimeMs } = fstatSync(fd);
const source = readFileSync(fd, 'utf8');
closeSync(fd);
let cachedData;
try {
  const cache = readFileSync(`${file}.cache`);
  const nl = cache.indexOf(10);
  if (cache.toString('utf8', 0, nl) === `${file}\0${size}:${mtimeMs}`) cachedData = cache.subarray(nl + 1);
} catch {
  // no cache: compile from source
}
const core = new Module(file, module);
core.filename = file;
require.cache[file] = core; // the lazily loaded chunks require the core back
const wrapper = new Script(Module.wrap(source), { filename: file, cachedData }).runInThisContext();
wrapper.call(core.exports, core.exports, Module.createRequire(file), core, file, dirname(file));
core.loaded = true;
core.exports.run();
