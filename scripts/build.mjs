// Bundles the two programs with esbuild: ESM, one chunk per lazily imported command,
// so `xm list` parses only what it runs. Type checking is tsc's job (npm test).
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Built beside dist/ and swapped in, so programs running from dist/ never see it half-written.
const dist = new URL('../dist', import.meta.url).pathname;
const next = `${dist}.next-${process.pid}`;
await build({
  entryPoints: { xm: 'src/cli/main.ts', xend: 'src/daemon/main.ts' },
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { __SUITE_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (cli-table3, yargs 17) call require() inside an ESM bundle.
  banner: {
    js: "import { createRequire as __xmCreateRequire } from 'node:module'; const require = __xmCreateRequire(import.meta.url);",
  },
});
rmSync(`${dist}.old-${process.pid}`, { recursive: true, force: true });
try {
  renameSync(dist, `${dist}.old-${process.pid}`);
} catch {
  // first build: nothing to move aside
}
renameSync(next, dist);
rmSync(`${dist}.old-${process.pid}`, { recursive: true, force: true });
