// The training options through the real `memae` command: --trim-fraction, --input-noise and --refit-fraction reach
// fit (the loss changes) and are saved with the model (manifest + `memae info`); --no-residual-score keeps the plain
// error; bad values are one-line errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../data/helpers.js';
import { runCli } from './run-cli.js';
import { kddRows, writeCsv } from '../pipeline/kdd-slice.js';

const dir = tempDir();
const train = writeCsv(join(dir, 'train.csv'), kddRows(300));
const base = ['train', '--data', 'csv', '--data-path', train, '--label-column', 'label', '--normal-labels', 'normal.', '--epochs', '2', '--batch-size', '64', '--seed', '3', '--quiet', '--json'];
const robustFlags = ['--trim-fraction', '0.1', '--input-noise', '0.05', '--refit-fraction', '0.1'];
const finalLoss = (stdout: string) => (JSON.parse(stdout) as { finalLoss: number }).finalLoss;

let plainLoss = NaN;
let robustLoss = NaN;
before(async () => {
  const plain = await runCli([...base, '-o', join(dir, 'plain')]);
  assert.equal(plain.code, 0, plain.stderr);
  plainLoss = finalLoss(plain.stdout);
  const robust = await runCli([...base, ...robustFlags, '-o', join(dir, 'robust')]);
  assert.equal(robust.code, 0, robust.stderr);
  robustLoss = finalLoss(robust.stdout);
});

describe('memae train robust-training flags', () => {
  it('reach fit: the same seed and data give another final loss', () => {
    assert.ok(Number.isFinite(plainLoss) && Number.isFinite(robustLoss));
    assert.notEqual(robustLoss, plainLoss);
  });

  it('are saved in the manifest and shown by memae info; a plain run records zeros', async () => {
    const manifest = (run: string) => JSON.parse(readFileSync(join(dir, run, 'model', 'manifest.json'), 'utf8')) as { training: { robust?: unknown } };
    assert.deepEqual(manifest('robust').training.robust, { trimFraction: 0.1, inputNoise: 0.05, refitFraction: 0.1 });
    assert.deepEqual(manifest('plain').training.robust, { trimFraction: 0, inputNoise: 0, refitFraction: 0 });
    const info = await runCli(['info', join(dir, 'robust', 'model'), '--json']);
    assert.equal(info.code, 0, info.stderr);
    const o = JSON.parse(info.stdout) as { model: { training: { robust: unknown } } };
    assert.deepEqual(o.model.training.robust, { trimFraction: 0.1, inputNoise: 0.05, refitFraction: 0.1 });
  });

  it('--no-residual-score trains the same network but saves no per-feature residual scale (plain error)', async () => {
    const r = await runCli([...base, '--no-residual-score', '-o', join(dir, 'mse')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(finalLoss(r.stdout), plainLoss);
    const manifest = (run: string) => JSON.parse(readFileSync(join(dir, run, 'model', 'manifest.json'), 'utf8')) as { tabularScore?: { center: number[] } };
    assert.equal(manifest('mse').tabularScore, undefined);
    assert.equal(manifest('plain').tabularScore?.center.length, 49);
  });

  for (const [flag, value] of [['--trim-fraction', '0.5'], ['--refit-fraction', '0.7'], ['--input-noise', '-1'], ['--trim-fraction', 'x']]) {
    it(`${flag} ${value} is a one-line error`, async () => {
      const r = await runCli([...base, flag, value, '-o', join(dir, 'bad')]);
      assert.notEqual(r.code, 0);
      // one line naming the option (the usage parser adds a pointer to --help), never a stack trace
      const lines = r.stderr.trim().split('\n').filter((l) => !/run with --help/.test(l));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /trim|refit|noise/i);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
