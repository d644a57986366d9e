// Bundles the two programs with esbuild: ESM, one chunk per lazily imported command,
// so `xm list` parses only what it runs. Type checking is tsc's job (npm test).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { xm: 'src/cli/main.ts', xend: 'src/daemon/main.ts' },
  outdir: 'dist',
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
