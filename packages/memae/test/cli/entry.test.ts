// The `memae` executable's conventions: the compiled CLI (dist/) and the sources agree; a closed stdout is no error;
// no command prints the help on stderr with exit 1; one version (package.json).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, runCli } from './run-cli.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

test('--version prints package.json\'s version, from the compiled CLI and from the sources', async () => {
  for (const env of [{}, { MEMAE_FROM_SOURCE: '1' }] as Record<string, string>[]) {
    const r = await runCli(['--version'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  }
});

test('no command: help on stderr, nothing on stdout, exit 1', async () => {
  const r = await runCli([]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Usage: memae /);
});

test('a reader that went away (memae --help | head -1) ends memae quietly with exit 0', async () => {
  const p = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.destroy();  // closed before memae writes: its write fails with EPIPE
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((done) => p.on('close', done));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});

test('memae info names the tensor backend and where the libtorch addon came from', async () => {
  const r = await runCli(['info', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { memae: string; backend: string; addon: { origin: string } };
  assert.equal(o.memae, pkg.version);
  assert.ok(['libtorch', 'cpu'].includes(o.backend), o.backend);
  assert.ok(['prebuilt', 'built', 'none'].includes(o.addon.origin), o.addon.origin);
  if (o.backend === 'libtorch') assert.notEqual(o.addon.origin, 'none');
});
