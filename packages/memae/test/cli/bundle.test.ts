// The bundled CLI (scripts/build-cli.mjs, what `memae` runs after install) behaves as the TypeScript sources do.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { runCli } from './run-cli.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');
// a private build inside the repository (bare imports resolve from node_modules above it), not dist/, which
// other tests' processes may be loading
const out = join(root, 'node_modules', '.cache', `memae-cli-test-${process.pid}`);

after(() => rmSync(out, { recursive: true, force: true }));

/** runs the bundled CLI's main() with these arguments in a fresh node; stdout */
function bundled(args: string[]): string {
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli.mjs')).href)}); process.exitCode = await main(['node', 'memae', ...${JSON.stringify(args)}]);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: root });
}

test('the bundle builds and gives the same help and info as the sources', async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), out], { encoding: 'utf8' });
  assert.ok(existsSync(join(out, 'cli.mjs')));
  const src = await runCli(['--help'], { env: { MEMAE_FROM_SOURCE: '1' } });
  assert.equal(bundled(['--help']), src.stdout);
  const info = JSON.parse(bundled(['info', '--json'])) as Record<string, unknown>;
  const srcInfo = JSON.parse((await runCli(['info', '--json'], { env: { MEMAE_FROM_SOURCE: '1' } })).stdout) as Record<string, unknown>;
  assert.equal(srcInfo.entry, 'source');
  assert.deepEqual({ ...info, entry: undefined }, { ...srcInfo, entry: undefined });
  // the data folder is found from the bundle's location too (repoRoot walks up to the repository)
  assert.equal(info.fashionMnist, srcInfo.fashionMnist);
});
