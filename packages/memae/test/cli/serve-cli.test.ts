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

test('serve --worker scores in a worker thread: same answer, one-line error for a bad folder, exits 0 on SIGTERM', async () => {
  const tiny = await tinyModel();
  const png = new Uint8Array(readFileSync(tiny.pngs.anomaly));
  const score = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/v1/models/m/score`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } })).json()) as { scores: number[] }).scores[0];
  const plain = await startServe([`m=${tiny.dir}`]);
  const want = await score(plain.port);
  assert.equal((await plain.stop()).code, 0);
  const p = await startServe([`m=${tiny.dir}`, '--worker']);
  assert.ok(Math.abs((await score(p.port)) - want) < 1e-6);
  const { code, stderr } = await p.stop();
  assert.equal(code, 0, stderr);
  const bad = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const c = spawn(process.execPath, [BIN, 'serve', '/nonexistent/model', '--worker'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => resolve({ code, err }));
  });
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
});
