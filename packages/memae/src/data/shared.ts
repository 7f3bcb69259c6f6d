// Locating the project's shared data folder (shared/datasets/...).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors/user-error.js';

/** the repository root: the nearest folder above this module holding packages/memae (the module is
 *  packages/memae/src/data/shared.ts, or bundled into packages/memae/dist/cli.mjs) */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = dirname(dir); up !== dir; dir = up, up = dirname(dir)) {
    if (existsSync(join(dir, 'packages', 'memae', 'package.json'))) return dir;
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
}

/**
 * The shared folder: $MEMAE_SHARED when set; else `shared/` inside the repository, or `shared/` beside it or
 * beside any of its parent folders (so git worktrees nested one level deeper find it too).
 */
export function sharedDir(): string {
  const env = process.env.MEMAE_SHARED;
  if (env) {
    if (!existsSync(env)) throw new UserError(`MEMAE_SHARED=${env}: folder not found`);
    return env;
  }
  const root = repoRoot();
  const tried: string[] = [join(root, 'shared')];
  for (let d = root; ; d = dirname(d)) {
    tried.push(join(dirname(d), 'shared'));
    if (dirname(d) === d) break;
  }
  for (const p of tried) if (existsSync(join(p, 'datasets'))) return p;
  throw new UserError(`shared data folder not found (looked for shared/datasets beside ${root} and its parents); set MEMAE_SHARED to its path`);
}

/** A file under shared/datasets/, with a clear error when missing. */
export function sharedDataset(...parts: string[]): string {
  const p = join(sharedDir(), 'datasets', ...parts);
  if (!existsSync(p)) throw new UserError(`${p}: not found in the shared data folder`);
  return p;
}
