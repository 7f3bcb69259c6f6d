// Kill a training run with SIGKILL mid-epoch, resume it from its checkpoint, and check that it continues
// after the last finished epoch and ends where an uninterrupted run ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs-core';
import { MemAE } from '../src/detector/memae.js';
import { readCheckpoint } from '../src/io/checkpoint.js';
import { UserError } from '../src/errors/user-error.js';
import { useTestBackend } from './helpers/backend.js';
import { resumeSetup } from './helpers/resume-setup.js';
import { assertClose } from './helpers/close.js';

const EPOCHS = 3;

/** Runs the child until it reports epoch 2, batch 1, then SIGKILLs it. */
function trainAndKill(checkpoint: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./helpers/train-child.ts', import.meta.url)), checkpoint, String(EPOCHS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let killed = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'done') return;
      const e = JSON.parse(line) as { epoch: number; batch: number };
      if (!killed && e.epoch === 2 && e.batch === 1) { killed = true; child.kill('SIGKILL'); }
    });
    child.on('exit', (_code, signal) => (killed && signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended without being killed (signal ${signal})`))));
  });
}

test('SIGKILL mid-epoch, then resume: continues after the last checkpoint and matches an uninterrupted run', async () => {
  await useTestBackend();
  const { data, create, fit } = await resumeSetup();
  const dir = mkdtempSync(join(tmpdir(), 'memae-resume-'));
  const ckpt = join(dir, 'run.ckpt');
  try {
    await trainAndKill(ckpt);
    const state = readCheckpoint(ckpt)!;
    assert.equal((state.meta as { epochsDone: number }).epochsDone, 1, 'the checkpoint holds epoch 1');
    tf.dispose([...state.model, ...state.optimizer].map((t) => t.tensor));
    // a stale temp file from the killed writer must not matter
    writeFileSync(join(dir, '.run.ckpt.99999.tmp'), 'garbage');

    const resumed = await MemAE.create(create);
    const epochsSeen: number[] = [];
    const r = await resumed.fit(data, { ...fit, epochs: EPOCHS, checkpoint: ckpt, resume: true, onProgress: (e) => { if (e.phase === 'epoch') epochsSeen.push(e.epoch); } });
    assert.equal(r.resumedFrom, 1);
    assert.deepEqual(epochsSeen, [2, 3], 'only the unfinished epochs run again');
    assert.equal(r.history.length, EPOCHS);

    const straight = await MemAE.create(create);
    const s = await straight.fit(data, { ...fit, epochs: EPOCHS });
    assertClose(r.history.map((h) => h.loss), s.history.map((h) => h.loss), 1e-4, 'per-epoch losses, resumed vs uninterrupted');
    const test = await resumeSetup();
    assertClose(await resumed.score(test.data), await straight.score(test.data), 1e-4, 'final scores');
    resumed.dispose();
    straight.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resume refuses a checkpoint of another configuration, and a damaged one', async () => {
  await useTestBackend();
  const { data, create, fit } = await resumeSetup();
  const dir = mkdtempSync(join(tmpdir(), 'memae-resume-bad-'));
  const ckpt = join(dir, 'run.ckpt');
  try {
    const a = await MemAE.create({ ...create, variant: 'ae' });
    await a.fit(data, { ...fit, epochs: 1, checkpoint: ckpt });
    a.dispose();
    assert.ok(existsSync(ckpt));
    const b = await MemAE.create(create);
    await assert.rejects(b.fit(data, { ...fit, epochs: 2, checkpoint: ckpt, resume: true }), (e: unknown) => e instanceof UserError && /different model configuration/.test(e.message));
    writeFileSync(ckpt, 'MEMAECK1 not really');
    await assert.rejects(b.fit(data, { ...fit, epochs: 2, checkpoint: ckpt, resume: true }), (e: unknown) => e instanceof UserError && /damaged/.test(e.message));
    b.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
