// The CLI's usage surface: help with examples, exit codes, one-line user errors (spawned, real process).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './run-cli.js';

test('memae --help lists every subcommand, examples and exit codes', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['train', 'score', 'eval', 'bench', 'report', 'serve', 'info']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /Exit codes:/);
});

test('each subcommand has help with examples', async () => {
  for (const c of ['train', 'score', 'eval', 'bench', 'report', 'serve', 'info']) {
    const r = await runCli([c, '--help']);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, /Examples:/, c);
  }
});

test('a bad option value is a usage error (exit 2) naming the option', async () => {
  const r = await runCli(['train', '--epochs', 'many']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--epochs/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('an unknown subcommand or option is a usage error', async () => {
  assert.equal((await runCli(['trian'])).code, 2);
  const r = await runCli(['train', '--epoch', '3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--epoch'/);
});

test('config files: unknown keys and wrong types are one-line errors naming the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memae-cli-'));
  const yaml = join(dir, 'bad.yaml');
  writeFileSync(yaml, 'train:\n  epochs: 2\n  epochz: 3\n');
  let r = await runCli(['train', '--config', yaml]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /unknown key 'train\.epochz'/);

  const json = join(dir, 'bad.json');
  writeFileSync(json, JSON.stringify({ data: { normalClass: 'three' } }));
  r = await runCli(['train', '--config', json]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'data\.normalClass': expected number/);
  assert.equal(r.stderr.trim().split('\n').length, 1);

  r = await runCli(['train', '--config', join(dir, 'missing.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^memae: config file .*missing\.yaml not found\n$/);
});

test('report on a folder that is no run directory is a user error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memae-cli-'));
  const r = await runCli(['report', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a run directory/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
