// Bundles the memae CLI (packages/memae/src/cli/main.ts and the two workspace packages it imports) into one ES module,
// packages/memae/dist/cli.mjs, so that `memae` runs on plain node: no TypeScript transform at every start (tsx) and
// less resident memory. npm packages stay external (loaded from node_modules as usual, native ones included).
// Run by `npm install` / `npm ci` (root postinstall) and by `npm run build:cli`; bin/memae.mjs uses the bundle only
// while it is newer than every source file, and runs the sources through tsx otherwise.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// optional argument: another output folder (tests); it must lie inside the repository so that node_modules resolves
const outdir = process.argv[2] ?? join(root, 'packages/memae/dist');
const workspace = /^(memae|tfjs-backend-libtorch)(\/|$)/;
try {
  rmSync(outdir, { recursive: true, force: true });  // no stale chunks
  await build({
    entryPoints: [join(root, 'packages/memae/src/cli/main.ts')],
    // code splitting keeps the CLI's lazy imports lazy (`--help` does not load tfjs)
    outdir, entryNames: 'cli', chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' },
    splitting: true, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error',
    plugins: [{
      name: 'npm-packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (workspace.test(a.path) ? undefined : { path: a.path, external: true }));
      },
    }],
  });
} catch (e) {
  if (process.argv[2]) throw e;
  // not fatal: the CLI then runs from its TypeScript sources
  console.warn(`memae: CLI bundle not built (${e.message}); \`memae\` will run from source through tsx`);
}
