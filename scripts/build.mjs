// Bundles the two programs with esbuild. Type checking is tsc's job (npm test).
//
// xend: ESM, one chunk per lazily imported module.
// xm: CommonJS, because a short-lived client pays for every module it loads: the ESM
// loader (~5 ms to start, then a resolve/link per file) and Node's per-file cost (stat,
// read, compile: ~0.4 ms each). esbuild splits only ESM, so xm is split as ESM first
// (stage 1, into a scratch directory) and each piece is then rebundled as CommonJS
// (stage 2): the entry, together with every chunk `xm list` runs, becomes the one file
// dist/xm.cjs ("the core", its lazy parts kept unexecuted until imported); every other
// chunk (other commands, completion, ora, undici, the Python config interpreter) stays
// a file of its own in dist/xm/ and reaches the core's chunks through `chunks` below,
// so each module still exists once.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const root = fileURLToPath(new URL('..', import.meta.url));

/** What a client file is wrapped in (Node's CommonJS wrapper, as bin/xm calls it). */
const LAUNCHER_WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '})'];

/** Lazily imported modules the core includes besides the entry's static imports: what `xm list` runs. */
const HOT = ['src/cli/connect.ts', 'src/cli/commands/list.ts'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

// Built beside dist/ and swapped in, so programs running from dist/ never see it half-written.
const dist = join(root, 'dist');
const next = `${dist}.next-${process.pid}`;

await build({
  ...common,
  entryPoints: { xend: 'src/daemon/main.ts' },
  outdir: next,
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  define: { __SUITE_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies call require() inside an ESM bundle.
  banner: {
    js: "import { createRequire as __xmCreateRequire } from 'node:module'; const require = __xmCreateRequire(import.meta.url);",
  },
});
await buildXm(next);
/** A file bin/xm loads by itself (dist/<name>.cjs): CommonJS, without comments or indentation. */
const launcherFile = (name, entry, options = {}) =>
  build({ ...common, entryPoints: { [name]: entry }, outdir: next, format: 'cjs', minifyWhitespace: true, outExtension: { '.js': '.cjs' }, ...options });
// `xm list` and `xm list --json` in a bundle of their own (src/cli/quick-list.ts), which bin/xm runs for exactly those words.
await launcherFile('xm-list', 'src/cli/quick-list.ts');
wrapForLauncher(join(next, 'xm-list.cjs'));
// `xm --version`'s line in a file of its own: the launcher answers it without loading the client.
await launcherFile('xm-version', 'src/version.ts', { sourcemap: false, define: { __SUITE_VERSION__: JSON.stringify(version) } });

// `xm help` and `xm` alone print texts the command tables fix at build time: kept as files, the
// launcher prints them without loading the client.
const helpModule = join(next, '.help.cjs');
await build({
  ...common,
  stdin: { contents: "export { longHelp, shortHelp } from './src/cli/help.ts';", resolveDir: root, loader: 'ts' },
  outfile: helpModule,
  format: 'cjs',
  sourcemap: false,
  define: { __SUITE_VERSION__: JSON.stringify(version) },
});
const { longHelp, shortHelp } = createRequire(import.meta.url)(helpModule);
writeFileSync(join(next, 'xm-help.txt'), longHelp());
writeFileSync(join(next, 'xm-usage.txt'), shortHelp());
rmSync(helpModule);

rmSync(`${dist}.old-${process.pid}`, { recursive: true, force: true });
try {
  renameSync(dist, `${dist}.old-${process.pid}`);
} catch {
  // first build: nothing to move aside
}
renameSync(next, dist);
rmSync(`${dist}.old-${process.pid}`, { recursive: true, force: true });

async function buildXm(out) {
  // Stage 1. The scratch directory says "type": "commonjs" so that stage 2 reads the chunks
  // with esbuild's ESM interop (a chunk's `default` export stays its default) rather than
  // Node's (where the default of a CommonJS module is its whole exports object).
  const stage = join(out, '.xm-esm');
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, 'package.json'), '{ "type": "commonjs" }\n');
  const { metafile } = await build({
    ...common,
    entryPoints: { xm: 'src/cli/main.ts' },
    outdir: stage,
    splitting: true,
    format: 'esm',
    chunkNames: 'xm/[name]-[hash]',
    metafile: true,
    define: { __SUITE_VERSION__: JSON.stringify(version) },
  });
  const outputs = Object.fromEntries(
    Object.entries(metafile.outputs)
      .filter(([file]) => file.endsWith('.js'))
      .map(([file, o]) => [join(root, file), o]),
  );
  const entry = join(stage, 'xm.js');
  const core = new Set();
  const take = (file) => {
    if (core.has(file)) return;
    core.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) take(join(root, i.path));
  };
  take(entry);
  for (const src of HOT) take(Object.keys(outputs).find((f) => outputs[f].entryPoint === src));

  // The core's chunks that other files import, handed out by the core itself.
  const shared = [...core].filter((c) => Object.entries(outputs).some(([f, o]) => !core.has(f) && o.imports.some((i) => join(root, i.path) === c)));
  const coreEntry = join(stage, 'core.js');
  writeFileSync(
    coreEntry,
    `export * from './xm.js';\nexport const chunks = {\n${shared
      .map((c) => `  ${JSON.stringify(relative(stage, c))}: () => require(${JSON.stringify(`./${relative(stage, c)}`)}),\n`)
      .join('')}};\n`,
  );
  core.add(coreEntry);

  await build({
    ...common,
    entryPoints: [{ in: coreEntry, out: 'xm' }, ...Object.keys(outputs).filter((f) => !core.has(f)).map((f) => ({ in: f, out: relative(stage, f).replace(/\.js$/, '') }))],
    outdir: out,
    absWorkingDir: stage, // so the bundles' path comments name chunks, not the scratch directory
    format: 'cjs',
    // Without comments and indentation the client's source is a third smaller and all ASCII, so V8
    // holds it as one byte a character: less to read and scan on every run, and a young
    // generation not half filled by it (a collection costs a short run ~3 ms).
    minifyWhitespace: true,
    outExtension: { '.js': '.cjs' },
    supported: { 'dynamic-import': false }, // import() of a chunk becomes require()
    plugins: [
      {
        name: 'xm-chunks',
        setup(b) {
          // Within the core, the core's chunks are bundled; every other chunk is a file of its own.
          b.onResolve({ filter: /^\.\.?\// }, (a) => {
            if (a.namespace === 'core-chunk') return { path: a.path, external: true };
            const file = join(a.resolveDir, a.path);
            if (a.kind === 'entry-point' || !(file in outputs)) return undefined;
            if (core.has(file) && core.has(a.importer)) return undefined;
            // The core's modules all end up in xm.cjs, at the top of `out`.
            const from = core.has(a.importer) ? out : join(out, relative(stage, dirname(a.importer)));
            if (!core.has(file)) return { path: `./${relative(from, join(out, relative(stage, file)).replace(/\.js$/, '.cjs'))}`, external: true };
            return { path: relative(stage, file), namespace: 'core-chunk', pluginData: { core: `./${relative(from, join(out, 'xm.cjs'))}` } };
          });
          b.onLoad({ filter: /.*/, namespace: 'core-chunk' }, (a) => ({
            contents: `module.exports = require(${JSON.stringify(a.pluginData.core)}).chunks[${JSON.stringify(a.path)}]();`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  rmSync(stage, { recursive: true });
  for (const file of [join(out, 'xm.cjs'), ...readdirSync(join(out, 'xm')).filter((f) => f.endsWith('.cjs')).map((f) => join(out, 'xm', f))]) wrapForLauncher(file);
}

/**
 * Writes a client file as the function Node's loader would wrap it in, on a line of its own
 * (its source map moved down a line), so the launcher compiles the file as it reads it: a
 * wrapper added at run time makes V8 copy the whole source into one string first, which
 * costs `xm list` ~3 ms and a 142 KB young object. The launcher reads the files as Latin-1
 * (a byte a character, no UTF-8 decoding), so they must be ASCII, as esbuild writes them.
 */
function wrapForLauncher(file) {
  const body = readFileSync(file, 'latin1');
  if (/[^\0-\x7f]/.test(body)) throw new Error(`${file}: not ASCII; the launcher reads it as Latin-1`);
  writeFileSync(file, `${LAUNCHER_WRAPPER[0]}\n${body}\n${LAUNCHER_WRAPPER[1]}\n`, 'latin1');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  map.mappings = `;${map.mappings}`;
  writeFileSync(`${file}.map`, JSON.stringify(map));
}
