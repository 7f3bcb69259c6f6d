// Failures of a data-parallel run: a rank that dies, a wrong world size, an unreachable master, a port in use.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/distributed/launch.js';
import { BIN } from '../cli/run-cli.js';
import { kddSliceCsv } from './helpers/kdd-slice.js';

interface Done { code: number | null; stdout: string; stderr: string; at: number }

function memae(args: string[], env: Record<string, string>) {
  const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LIBTORCH_NUM_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => p.kill('SIGKILL'), 240_000);
  const done = new Promise<Done>((resolve) => p.on('close', (code) => { clearTimeout(killer); resolve({ code, stdout, stderr, at: performance.now() }); }));
  return { p, done, err: () => stderr };
}

const lastLine = (s: string) => s.trim().split('\n').at(-1)!;
let csv: string | undefined;
const data = () => (csv ??= kddSliceCsv(mkdtempSync(join(tmpdir(), 'memae-fail-'))));
const trainArgs = (epochs: number) => ['train', '--data', 'csv', '--data-path', data(), '--label-column', 'label', '--epochs', String(epochs), '--batch-size', '16', '--dist-timeout', '20', '-o', mkdtempSync(join(tmpdir(), 'memae-fail-run-'))];

test('a rank killed mid-epoch: the other exits 1 with one line, well within the collective timeout', { timeout: 240_000 }, async () => {
  const env = { WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) };
  const r0 = memae(trainArgs(500), { ...env, RANK: '0' });
  const r1 = memae(trainArgs(500), { ...env, RANK: '1' });
  // rank 0 prints "model: ..." right before fit; give the group a few seconds of training
  await new Promise<void>((resolve) => { const t = setInterval(() => { if (/model: /.test(r0.err())) { clearInterval(t); resolve(); } }, 100); });
  await new Promise((r) => setTimeout(r, 4000));
  const killedAt = performance.now();
  r1.p.kill('SIGKILL');
  const d = await r0.done;
  await r1.done;
  assert.equal(d.code, 1, d.stderr);
  assert.match(lastLine(d.stderr), /^memae: rank 0: (allreduce|broadcast) failed: a peer process left the group/);
  assert.doesNotMatch(d.stderr, /\n\s+at /, 'no stack trace');
  assert.ok((d.at - killedAt) / 1000 < 20, `took ${(d.at - killedAt) / 1000} s`);
});

test('wrong world size, unreachable master, port in use: one line each, exit 2', { timeout: 240_000 }, async () => {
  // rank 1 believes in 3 ranks, rank 0 in 2
  const port = String(await freePort());
  const a = memae(trainArgs(1), { WORLD_SIZE: '2', RANK: '0', MASTER_PORT: port });
  const b = memae(trainArgs(1), { WORLD_SIZE: '3', RANK: '1', MASTER_PORT: port });
  const rb = await b.done;
  a.p.kill('SIGKILL');
  await a.done;
  assert.equal(rb.code, 2, rb.stderr);
  assert.match(lastLine(rb.stderr), /^memae: rank 1: joining the group of 3 at master 127\.0\.0\.1:\d+ failed: distributed: WORLD_SIZE is 3 on rank 1 but 2 on rank 0$/);

  // nobody serves the master port: the client gives up after --dist-timeout
  const t0 = performance.now();
  const c = await memae([...trainArgs(1).slice(0, -4), '--dist-timeout', '3', '-o', mkdtempSync(join(tmpdir(), 'memae-fail-run-'))], { WORLD_SIZE: '2', RANK: '1', MASTER_PORT: String(await freePort()) }).done;
  assert.equal(c.code, 2, c.stderr);
  assert.match(lastLine(c.stderr), /^memae: rank 1: joining the group of 2 at master 127\.0\.0\.1:\d+ failed: timed out/);
  assert.ok((performance.now() - t0) / 1000 < 60);

  // the master port is taken by another program
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, r));
  const busyPort = (busy.address() as { port: number }).port;
  const e = await memae(trainArgs(1), { WORLD_SIZE: '2', RANK: '0', MASTER_PORT: String(busyPort) }).done;
  busy.close();
  assert.equal(e.code, 2, e.stderr);
  assert.match(lastLine(e.stderr), /^memae: rank 0: joining the group of 2 at master 127\.0\.0\.1:\d+ failed: the master port is in use/);
});
