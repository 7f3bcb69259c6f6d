#!/usr/bin/env node
// The `memae` command inside the repository (npm scripts, tests, docs). The npm package's bin is dist/cli/bin.js;
// here that compiled CLI (built by `npm install` / `npm ci` with `tsc -b`) runs while it is newer than every
// TypeScript source of both packages; otherwise (sources edited since, no build, or MEMAE_FROM_SOURCE=1) the
// sources run through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(pkg, 'dist', 'cli', 'bin.js');
const backend = join(pkg, '..', 'tfjs-backend-libtorch');

/** newest modification time of the .ts files under dir (0 when it is missing) */
function newestSource(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true })) {
    if (String(f).endsWith('.ts')) newest = Math.max(newest, statSync(join(dir, String(f))).mtimeMs);
  }
  return newest;
}
/** the oldest of the two packages' builds (0 when one is missing) */
function builtAt() {
  const files = [built, join(backend, 'dist', 'index.js')];
  return files.every(existsSync) ? Math.min(...files.map((f) => statSync(f).mtimeMs)) : 0;
}

const fresh = !process.env.MEMAE_FROM_SOURCE && builtAt() >= Math.max(newestSource(join(pkg, 'src')), newestSource(join(backend, 'src')));
process.env.MEMAE_ENTRY = fresh ? 'dist' : 'source';  // shown by `memae info`
if (fresh) {
  await import(pathToFileURL(built).href);
} else {
  // tsx resolves the workspace packages to their sources through the root tsconfig.json's paths
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: join(pkg, '..', '..', 'tsconfig.json') });
  await import('../src/cli/bin.ts');
}
