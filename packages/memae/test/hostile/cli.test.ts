// A representative subset through the real `memae` CLI, as child processes with kill timers: hostile model
// folders must end with exit code 2 and one stderr line (no hang, no stack trace, no signal). The full tables
// run in-process (model-files, checkpoints, data-files); each CLI start costs seconds, so only a few run here.
import { test } from 'node:test';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, cliCase, runCases } from './harness.js';
import { copyModel, mkfifo, pristine, readJson, setPath, writeManifest, writeWeightsSealed } from './fixtures.js';

async function folder(name: string, edit: (d: string) => void): Promise<string> {
  const d = await copyModel(`cli-${name}`);
  edit(d);
  return d;
}
const replace = (file: string, make: (p: string) => void) => (d: string) => { rmSync(join(d, file)); make(join(d, file)); };

test('hostile inputs through the CLI: exit 2 with one line, never a hang or a trace', { timeout: 600_000 }, async () => {
  const { model } = await pristine();
  const nanWeights = (d: string) => { const b = Buffer.from(readFileSync(join(d, 'weights.bin'))); b.writeFloatLE(NaN, 0); writeWeightsSealed(d, b); };
  const slots = (d: string) => { const m = readJson(join(d, 'manifest.json')); setPath(m, 'config.slots', 1e12); writeManifest(d, m); };
  const escape = (d: string) => { const m = readJson(join(d, 'manifest.json')); setPath(m, 'weights.file', '../../../../../../dev/zero'); writeManifest(d, m); };
  const cases = [
    cliCase('info on a valid folder', ['info', model], 0),
    cliCase('info: model.json is a FIFO', ['info', await folder('fifo-model', replace('model.json', mkfifo))], 2, /model\.json: the model file is a FIFO/),
    cliCase('info: weights.bin is a symlink to /dev/zero', ['info', await folder('zero', replace('weights.bin', (p) => symlinkSync('/dev/zero', p)))], 2, /leaves the model folder/),
    cliCase('info: weights path ../../dev/zero', ['info', await folder('escape', escape)], 2, /leaves the model folder/),
    cliCase('info: NaN weights, checksum fixed', ['info', await folder('nan', nanWeights)], 2, /holds NaN \(not a finite value\)/),
    cliCase('info: 1e12 memory slots', ['info', await folder('slots', slots)], 2, /invalid field "config\.slots"/),
  ];
  const s = await runCases('cli', cases, { concurrency: 2, timeoutMs: 120_000 });
  assertClean(s, 6);
});
