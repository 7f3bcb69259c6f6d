// CSV end to end through the real `memae` command: train on a KDD slice, then score rows alone, in a file, on stdin
// and through --data csv; eval scores every row; bad input is one line naming the file and row or column.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../data/helpers.js';
import { BIN, runCli } from '../cli/run-cli.js';
import { HEADER, kddRows, writeCsv } from './kdd-slice.js';

const dir = tempDir();
const rows = kddRows(400);
const model = join(dir, 'run', 'model');
const csv = (name: string, r: string[][], header: string[] | false = HEADER) => writeCsv(join(dir, name), r, header);
const scoresOf = (stdout: string): number[] => (JSON.parse(stdout) as { scores: number[] }).scores;
// the encoded rows are identical; scores differ only by the float32 rounding of a batched vs a one-row matrix
// product (about 1e-6 relative, bench/csv-recipe.ts), far below what a refit or a wrong column would change
const close = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 * Math.abs(v), `score ${i}: ${v} vs ${b[i]}`));
};

function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

before(async () => {
  const train = csv('train.csv', rows);
  const r = await runCli(['train', '--data', 'csv', '--data-path', train, '--label-column', 'label', '--normal-labels', 'normal.', '--epochs', '1', '--batch-size', '64', '--quiet', '-o', join(dir, 'run')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /AUROC/);
});

describe('memae score on CSV rows (saved preprocessing, no refit, no split)', () => {
  it('a row scored alone equals the same row inside a file, matched by column name, as a file, on stdin and through --data csv', async () => {
    const five = csv('five.csv', rows.slice(0, 5));
    const one = csv('one.csv', rows.slice(2, 3));
    // the label column may be absent, and the columns in another order
    const noLabel = csv('nolabel.csv', rows.slice(0, 5).map((r) => r.slice(0, -1)), HEADER.slice(0, -1));
    const order = [...HEADER.keys()].reverse();
    const reversed = csv('reversed.csv', rows.slice(0, 5).map((r) => order.map((j) => r[j])), order.map((j) => HEADER[j]));
    const r = await runCli(['score', model, five, one, noLabel, reversed, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = scoresOf(r.stdout);
    assert.equal(s.length, 16);
    const all = s.slice(0, 5);
    assert.ok(new Set(all).size > 1, 'the five rows get different scores');
    close([s[5]], [all[2]]);
    close(s.slice(6, 11), all);
    close(s.slice(11), all);
    const ids = (JSON.parse(r.stdout) as { results: { id: string }[] }).results.map((x) => x.id);
    assert.deepEqual(ids.slice(0, 6), [...[1, 2, 3, 4, 5].map((i) => `${five}#${i}`), `${one}#1`]);

    const legacy = await runCli(['score', model, '--data', 'csv', '--data-path', five, '--json']);
    assert.equal(legacy.code, 0, legacy.stderr);
    close(scoresOf(legacy.stdout), all);
    const stdin = await withStdin(['score', model, '-', '--csv'], readFileSync(five, 'utf8'));
    assert.equal(stdin.code, 0, stdin.stderr);
    const lines = stdin.stdout.trim().split('\n');
    assert.equal(lines[0], 'id,score,anomaly');
    assert.equal(lines[1].split(',')[0], 'stdin#1');
    close(lines.slice(1).map((l) => Number(l.split(',')[1])), all);
  });

  it('memae info shows the saved preprocessing: columns, label, policies, CSV dialect', async () => {
    const r = await runCli(['info', model, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = (JSON.parse(r.stdout) as { preprocessing: Record<string, string> }).preprocessing;
    assert.equal(p.kind, 'tabular');
    assert.match(p.columns, new RegExp(`^${HEADER.length - 1} \\(\\d+ numeric .*, \\d+ categorical one-hot\\) -> \\d+ features$`));
    assert.match(p.order, /^duration, /);
    assert.match(p.label, /^label /);
    assert.match(p.labelValues, /normal normal\./);
    assert.match(p.csv, /^header row, delimiter ","$/);
    const text = await runCli(['info', model]);
    assert.match(text.stdout, /\npreprocessing:\n {2}kind: tabular\n/);
  });

  it('bad input is one line naming the file, line and column, exit 2 (more cases in preprocess.test.ts)', async () => {
    const text = csv('text.csv', rows.slice(0, 3).map((r, i) => (i === 1 ? ['abc', ...r.slice(1)] : r)));
    const out = await runCli(['score', model, text]);
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, /text\.csv:3: column "duration": "abc" is not a number/);
    assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
  });
});

describe('memae eval and train on CSV', () => {
  it('eval scores every row it is given; without labels it is a one-line error', async () => {
    const test = csv('test.csv', kddRows(450).slice(400));
    const r = await runCli(['eval', model, '--data-path', test, '--json', '-o', join(dir, 'eval')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { samples: number }).samples, 50);
    const unl = await runCli(['eval', model, '--data-path', join(dir, 'nolabel.csv')]);
    assert.equal(unl.code, 2);
    assert.match(unl.stderr, /no labels/);
    assert.equal(unl.stderr.trim().split('\n').length, 1, unl.stderr);
  });

  it('a column named like a label without --label-column is an error; none trains unsupervised without AUROC', async () => {
    const small = csv('small.csv', rows.slice(0, 60));
    const forgot = await runCli(['train', '--data', 'csv', '--data-path', small, '--epochs', '1']);
    assert.equal(forgot.code, 2);
    assert.match(forgot.stderr, /column "label" looks like a label: pass --label-column label/);
    const unsup = csv('unsup.csv', rows.slice(0, 60).map((r) => r.slice(0, -1)), HEADER.slice(0, -1));
    const r = await runCli(['train', '--data', 'csv', '--data-path', unsup, '--epochs', '1', '-o', join(dir, 'unsup')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /unsupervised/);
    assert.doesNotMatch(r.stdout, /^AUROC/m);
  });
});
