#!/usr/bin/env node
// The `memae` command. Runs the bundled CLI (dist/cli.mjs, built at install by scripts/build-cli.mjs) on plain
// node while it is newer than every TypeScript source; otherwise (sources edited since, no bundle, or
// MEMAE_FROM_SOURCE=1) the sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(pkg, 'dist', 'cli.mjs');

/** newest modification time of the .ts files under the given folders (missing folders are skipped) */
function newestSource(dirs) {
  let newest = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { recursive: true })) {
      if (String(f).endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, String(f))).mtimeMs);
    }
  }
  return newest;
}

const fresh = !process.env.MEMAE_FROM_SOURCE && existsSync(bundle) &&
  statSync(bundle).mtimeMs >= newestSource([join(pkg, 'src'), join(pkg, '..', 'tfjs-backend-libtorch', 'src')]);
let main;
process.env.MEMAE_ENTRY = fresh ? 'bundle' : 'source';  // shown by `memae info`
if (fresh) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
