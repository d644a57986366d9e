#!/usr/bin/env node
// CommonJS on purpose: no ESM loader to start (~5 ms).
// Node 22+: dist/xm.cjs and the chunks loaded later (other commands, completion, the
// config interpreter) go through Node's own compile cache, kept per user (XDG_CACHE_HOME
// or ~/.cache, made 0700), never the cache Node would share in /tmp.
// Node 20 has none: dist/xm.cjs is compiled with the V8 code cache the build writes beside
// it, so a run neither parses nor compiles it (~2-3 ms). That cache starts with the path it
// was made for, which V8 would put in stack traces: elsewhere (a moved tree) it is not
// used. V8 refuses a cache another Node or other flags made; the source then compiles as
// usual.
'use strict';
const { closeSync, fstatSync, mkdirSync, openSync, readFileSync } = require('node:fs');
const Module = require('node:module');

const file = require.resolve('../dist/xm.cjs');

function compileCache() {
  const cacheHome = process.env.XDG_CACHE_HOME || (process.env.HOME && `${process.env.HOME}/.cache`);
  if (!Module.enableCompileCache || !cacheHome) return false;
  try {
    const dir = `${cacheHome}/xend-suite/compile-cache`;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return Module.enableCompileCache(dir).status !== Module.constants.compileCacheStatus.FAILED;
  } catch {
    return false; // an unwritable home: compile as usual
  }
}

if (compileCache()) {
  require(file).run();
} else {
  runWithCodeCache();
}

function runWithCodeCache() {
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
  const { dirname } = require('node:path');
  const { Script } = require('node:vm');
  const core = new Module(file, module);
  core.filename = file;
  require.cache[file] = core; // the lazily loaded chunks require the core back
  const wrapper = new Script(Module.wrap(source), { filename: file, cachedData }).runInThisContext();
  wrapper.call(core.exports, core.exports, Module.createRequire(file), core, file, dirname(file));
  core.loaded = true;
  core.exports.run();
}
