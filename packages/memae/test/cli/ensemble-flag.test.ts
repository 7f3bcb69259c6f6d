// --ensemble through the real `memae` command: the model directory holds the members, `memae info` shows them,
// `memae score` gives the library's ensemble scores (a row alone as inside the file), and misuse is one line.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { MemAE } from '../../src/detector/memae.js';
import { readWithModel } from '../../src/cli/csv-source.js';
import { TabularPreprocessor, type TabularPreprocessing } from '../../src/preprocess/tabular.js';
import { useTestBackend } from '../helpers/backend.js';
import { tempDir } from '../data/helpers.js';
import { runCli } from './run-cli.js';
import { kddRows, writeCsv } from '../pipeline/kdd-slice.js';

const dir = tempDir();
const rows = kddRows(300);
const train = writeCsv(join(dir, 'train.csv'), rows);
const five = writeCsv(join(dir, 'five.csv'), rows.slice(20, 25));
const one = writeCsv(join(dir, 'one.csv'), rows.slice(22, 23));
const base = ['train', '--data', 'csv', '--data-path', train, '--label-column', 'label', '--normal-labels', 'normal.', '--epochs', '2', '--batch-size', '64', '--seed', '2', '--quiet', '--json'];
const scoresOf = (stdout: string): number[] => (JSON.parse(stdout) as { scores: number[] }).scores;

before(async () => {
  for (const [name, k] of [['ens', '2'], ['single', '1']]) {
    const r = await runCli([...base, '--ensemble', k, '-o', join(dir, name)]);
    assert.equal(r.code, 0, r.stderr);
  }
});

describe('memae train --ensemble', () => {
  it('defaults to the library\'s 3 networks for tables; the progress bar names the network being trained', async () => {
    const r = await runCli([...base.filter((f) => f !== '--quiet' && f !== '--json'), '-o', join(dir, 'default')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /3 networks from different seeds/);
    assert.match(r.stderr, /epoch 6\/6 \(network 3\/3\)/);
    const m = JSON.parse(readFileSync(join(dir, 'default', 'model', 'manifest.json'), 'utf8')) as { ensemble?: { members: number } };
    assert.equal(m.ensemble?.members, 3);
  });

  it('saves the members beside the first network and memae info shows their count', async () => {
    const m = JSON.parse(readFileSync(join(dir, 'ens', 'model', 'manifest.json'), 'utf8')) as { ensemble?: { members: number } };
    assert.equal(m.ensemble?.members, 2);
    assert.ok(existsSync(join(dir, 'ens', 'model', 'members', '1', 'weights.bin')));
    assert.equal((JSON.parse(readFileSync(join(dir, 'single', 'model', 'manifest.json'), 'utf8')) as { ensemble?: unknown }).ensemble, undefined);
    const info = await runCli(['info', join(dir, 'ens', 'model'), '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal((JSON.parse(info.stdout) as { model: { ensemble: number } }).model.ensemble, 2);
  });

  it('memae score gives the library\'s ensemble scores; a row alone as inside the file; not the first member alone', async () => {
    await useTestBackend();
    const r = await runCli(['score', join(dir, 'ens', 'model'), five, one, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = scoresOf(r.stdout);
    const det = await MemAE.load(join(dir, 'ens', 'model'));
    try {
      const pre = new TabularPreprocessor(det.preprocessing as TabularPreprocessing);
      const want = await det.decisionFunction((await readWithModel(five, pre)).dataset);
      s.slice(0, 5).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-5 * Math.max(1, want[i]), `row ${i}: CLI ${v}, library ${want[i]}`));
      assert.ok(Math.abs(s[5] - s[2]) <= 1e-5 * Math.max(1, s[2]), `alone ${s[5]} vs in file ${s[2]}`);
    } finally {
      det.dispose();
    }
    const single = scoresOf((await runCli(['score', join(dir, 'single', 'model'), five, '--json'])).stdout);
    assert.ok(single.some((v, i) => Math.abs(v - s[i]) > 1e-3 * Math.max(1, v)), 'the ensemble scores as its first member alone');
  });

  for (const [what, args, pattern] of [
    ['0 members', ['--ensemble', '0'], /--ensemble/],
    ['with --nproc', ['--ensemble', '2', '--nproc', '2'], /--ensemble cannot be combined with --nproc/],
  ] as const) {
    it(`${what} is a one-line error`, async () => {
      const r = await runCli([...base, ...args, '-o', join(dir, 'bad')]);
      assert.notEqual(r.code, 0);
      const lines = r.stderr.trim().split('\n').filter((l) => !/run with --help/.test(l));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});
