// Writes the files generated from the sources (src/cli/gen): completions/xm.bash,
// completions/_xm and the man pages in man/. With --check, writes nothing and exits 1
// if a committed file differs from what would be generated (CI keeps them fresh).
// --out DIR writes to (or checks) DIR instead of the repository.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : root;
if (!out || args.some((a, n) => a !== '--check' && !(a === '--out' || (outAt >= 0 && n === outAt + 1)))) {
  console.error('usage: node scripts/generate.mjs [--check] [--out DIR]');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const tmp = mkdtempSync(join(tmpdir(), 'xm-generate-'));
let files;
try {
  const outfile = join(tmp, 'gen.mjs');
  // The same options as scripts/build.mjs, in one file: the generators import the
  // registry, whose lazy handlers are bundled along but never loaded.
  await build({
    entryPoints: [join(root, 'src/cli/gen/index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    legalComments: 'none',
    logLevel: 'warning',
    define: { __SUITE_VERSION__: JSON.stringify(version) },
    banner: {
      js: "import { createRequire as __xmCreateRequire } from 'node:module'; const require = __xmCreateRequire(import.meta.url);",
    },
  });
  const { generatedFiles } = await import(pathToFileURL(outfile).href);
  files = generatedFiles(version);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const read = (p) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

// Files in man/ and completions/ that the generators no longer produce are stale too.
const expected = new Set(files.map((f) => f.path));
const strays = ['man', 'completions'].flatMap((dir) => {
  try {
    return readdirSync(join(out, dir)).map((name) => `${dir}/${name}`).filter((p) => !expected.has(p));
  } catch {
    return [];
  }
});

if (check) {
  const stale = files.filter((f) => read(join(out, f.path)) !== f.content).map((f) => f.path);
  for (const p of stale) console.error(`out of date: ${p}`);
  for (const p of strays) console.error(`not generated: ${p}`);
  if (stale.length || strays.length) {
    console.error('Run `node scripts/generate.mjs` and commit the result.');
    process.exit(1);
  }
  console.log(`${files.length} generated files are up to date`);
} else {
  for (const f of files) {
    const path = join(out, f.path);
    if (read(path) === f.content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    console.log(`wrote ${f.path}`);
  }
  for (const p of strays) console.log(`note: ${p} is not generated (remove it if it is stale)`);
}
