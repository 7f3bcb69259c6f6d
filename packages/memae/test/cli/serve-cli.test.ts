// `memae serve` as a process: it answers on loopback and shuts down cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tinyModel } from '../ui-helpers/tiny-model.js';
import { BIN, startServe } from './run-cli.js';

test('serve starts on an ephemeral port, scores a PNG, exits 0 on SIGTERM', async () => {
  const tiny = await tinyModel();
  const p = await startServe([`shirts=${tiny.dir}`]);
  assert.match(p.out(), /with shirts/);
  const r = await fetch(`http://127.0.0.1:${p.port}/v1/models/shirts/score`, { method: 'POST', body: new Uint8Array(readFileSync(tiny.pngs.normal)), headers: { 'content-type': 'image/png' } });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { scores: number[] }).scores.length, 1);
  const { code, stderr } = await p.stop();
  assert.equal(code, 0, stderr);
  assert.match(p.out(), /memae serve: stopped/);
});

test('serve with a bad model name or missing directory is a usage error', async () => {
  const run = (args: string[]) => new Promise<{ code: number | null; err: string }>((resolve) => {
    const p = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => resolve({ code, err }));
  });
  let r = await run(['../x=/tmp']);
  assert.equal(r.code, 2);
  assert.match(r.err, /model name '\.\.\/x'/);
  r = await run(['/nonexistent/model']);
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
});
