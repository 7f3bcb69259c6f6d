// Benchmark children that run as plain node on one bundled ES module (what a deployment runs, without tsx's loader):
// built into node_modules/.cache/memae-bench (ignored by git and eslint; node_modules resolution from there still finds
// the @tensorflow packages and the addon). Run the bundle with the repository root as cwd.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundles the TypeScript file `source`; returns the bundle's path. `external`: packages left to node_modules (the
 *  backend always: inlined, it would look for its addon next to the bundle instead of in its package). */
export async function bundleBenchScript(source: string, extra: string[] = []): Promise<string> {
  const external = ['@tensorflow/*', 'tfjs-backend-libtorch', ...extra];
  const bundle = join(repoDir, 'node_modules', '.cache', 'memae-bench', basename(source).replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(bundle), { recursive: true });
  await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', external, outfile: bundle, logLevel: 'error' });
  return bundle;
}
