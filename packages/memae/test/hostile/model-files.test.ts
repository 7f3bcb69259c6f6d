// Hostile model folders: every manifest field x every mutation (checksums fixed up, and not), weights paths
// leaving the folder, model.json weight specs and topology sizes, weight values, and file kinds (FIFO,
// directory, device, dangling or foreign symlink, empty, missing) for each of the four files (codes.bin: the image
// score's training codes). Each case
// loads through the library (MemAE.load) and must be refused with its one-line UserError, or load and
// score exactly as the pristine model does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemAE } from '../../src/detector/memae.js';
import { assertClean, cross, HostileCase, runCases } from './harness.js';
import { copyModel, DELETE, IMAGE, mkfifo, noise, pristine, Raw, readJson, setPath, stringify, writeCodesSealed, writeManifest, writeModelJsonSealed, writeWeightsSealed } from './fixtures.js';

const probe = noise(3, IMAGE.inputShape, 9);
let reference: Float32Array;

/** Loads a folder and scores the probe samples (the result a case is judged on). */
async function loadAndScore(dir: string): Promise<Float32Array> {
  const det = await MemAE.load(dir);
  try {
    return await det.score(probe);
  } finally {
    det.dispose();
  }
}
const sameScores = (v: unknown) => assert.deepEqual(Array.from(v as Float32Array), Array.from(reference));

const MUTATIONS: [string, unknown][] = [
  ['deleted', DELETE], ['null', null], ['string', 'x'], ['negative', -1], ['zero', 0], ['fraction', 1.5], ['huge', 1e12],
  ['empty array', []], ['object', {}], ['boolean', true], ['overflow 1e400', new Raw('1e400')],
];

/** Manifest fields and the mutations they accept (metadata that does not change what the model computes). */
const FIELDS: [string, string[]][] = [
  ['format', []], ['formatVersion', []], ['library', []], ['library.name', []], ['library.version', ['string']],
  ['kind', []], ['variant', []], ['config', []], ['config.kind', []], ['config.variant', []],
  ['config.inputShape', []], ['config.inputShape.0', []], ['config.encoderChannels', []], ['config.decoderChannels', []],
  ['config.slots', []], ['config.shrinkThreshold', ['zero']], ['config.entropyWeight', ['zero', 'fraction', 'huge']],
  ['config.similarity', []], ['config.leakySlope', ['negative', 'zero', 'fraction', 'huge']], ['config.seed', ['negative', 'zero', 'huge']],
  ['config.memoryQuery', ['deleted']], ['config.hashBits', ['deleted']], ['config.swProjections', ['deleted']],
  ['normalization', ['null', 'object']], ['training', ['null']], ['training.epochs', ['zero']], ['training.batchSize', []],
  ['training.learningRate', ['fraction', 'huge']], ['training.samples', ['zero', 'huge']], ['training.sampleShape', ['empty array']],
  ['trainingScores', ['null']], ['trainingScores.quantiles', []], ['trainingScores.count', ['huge']],
  ['threshold', ['null']], ['threshold.value', ['negative', 'zero', 'fraction', 'huge']],
  ['weights', []], ['weights.file', []], ['weights.bytes', []], ['weights.sha256', []],
  ['modelJson', []], ['modelJson.bytes', []], ['modelJson.sha256', []], ['contentSha256', []], ['createdAt', ['string']],
  // (deleting codeScore as a whole is a valid model that scores the reconstruction error: not a case here)
  ['codeScore.file', []], ['codeScore.k', []], ['codeScore.method', []], ['codeScore.rows', []], ['codeScore.width', []], ['codeScore.bytes', []], ['codeScore.sha256', []],
];

function manifestCases(): HostileCase[] {
  const cases: HostileCase[] = cross(FIELDS, MUTATIONS).map(([[field, accepts], [label, value]]) => ({
    name: `manifest ${field} x ${label}`,
    expect: accepts.includes(label) ? { ok: true, check: sameScores } : { error: /manifest\.json: (invalid field|its content does not match)|model\.json does not match the manifest|manifest kind\/variant|invalid model config|leaves the model folder|is missing|does not match the checksum|promises/ },
    run: async () => {
      const d = await copyModel(`m-${field}-${label}`);
      const m = readJson(join(d, 'manifest.json'));
      setPath(m, field, value);
      writeManifest(d, m, field !== 'contentSha256');
      return loadAndScore(d);
    },
  }));
  // the same edits without fixing up the checksum: refused as edited
  for (const [field] of FIELDS) {
    if (field === 'contentSha256') continue;
    cases.push({
      name: `manifest ${field} edited, checksum not fixed`,
      expect: { error: /manifest\.json: (its content does not match its checksum|invalid field)/ },
      run: async () => {
        const d = await copyModel(`e-${field}`);
        const m = readJson(join(d, 'manifest.json'));
        setPath(m, field, field === 'createdAt' || field === 'library.version' ? 'edited' : 'x');
        writeFileSync(join(d, 'manifest.json'), stringify(m, 2));
        return loadAndScore(d);
      },
    });
  }
  return cases;
}

const ESCAPE = /^(?!.*\d+ bytes).*leaves the model folder/;
/** Weights paths, written both in manifest.json and in model.json (so the confinement check itself is hit). */
const PATHS: [string, string, RegExp][] = [
  ['parent folder', '../pristine-model/weights.bin', ESCAPE], ['absolute /etc/passwd', '/etc/passwd', ESCAPE],
  ['/dev/zero via ..', '../../../../../../../../dev/zero', ESCAPE], ['absolute /dev/zero', '/dev/zero', ESCAPE],
  ['sub/../..', 'sub/../../x', ESCAPE], ['dot', '.', ESCAPE], ['dot dot', '..', ESCAPE], ['NUL byte', 'a\u0000b', ESCAPE],
  ['missing file', 'nothing.bin', /"nothing\.bin" it names is missing/], ['a folder inside', 'sub', /is a directory, not a regular file/],
  ['symlink to /dev/zero', 'zero.bin', ESCAPE], ['symlink to /etc/passwd', 'passwd.bin', ESCAPE],
  ['symlink to the pristine weights outside', 'outside.bin', ESCAPE], ['dangling symlink', 'dangling.bin', /"dangling\.bin" it names is missing/],
  ['symlink inside the folder (allowed)', 'link.bin', /^$/], ['FIFO', 'fifo.bin', /is a FIFO/],
  ['long name', 'x'.repeat(2000), /invalid field "weights\.file"/],
];

async function pathCases(): Promise<HostileCase[]> {
  const { model } = await pristine();
  return PATHS.map(([label, p, re]) => ({
    name: `weights path ${label}`,
    expect: label.endsWith('(allowed)') ? { ok: true, check: sameScores } : { error: re },
    run: async () => {
      const d = await copyModel(`p-${label}`);
      mkdirSync(join(d, 'sub'));
      symlinkSync('/dev/zero', join(d, 'zero.bin'));
      symlinkSync('/etc/passwd', join(d, 'passwd.bin'));
      symlinkSync(join(model, 'weights.bin'), join(d, 'outside.bin'));
      symlinkSync(join(d, 'gone.bin'), join(d, 'dangling.bin'));
      symlinkSync('weights.bin', join(d, 'link.bin'));
      mkfifo(join(d, 'fifo.bin'));
      const mj = readJson(join(d, 'model.json'));
      setPath(mj, 'weightsManifest.0.paths.0', p);
      const m = readJson(join(d, 'manifest.json'));
      setPath(m, 'weights.file', p);
      writeManifest(d, m);
      writeModelJsonSealed(d, JSON.stringify(mj));
      return loadAndScore(d);
    },
  }));
}

/** model.json edits (checksums fixed up): weight specs, the manifest list, the topology. */
const MODEL_JSON: [string, string, unknown, RegExp][] = [
  ['dtype int32', 'weightsManifest.0.weights.0.dtype', 'int32', /only float32 weights/],
  ['dtype uint8', 'weightsManifest.0.weights.0.dtype', 'uint8', /only float32 weights/],
  ['dtype float16', 'weightsManifest.0.weights.0.dtype', 'float16', /only float32 weights/],
  ['dtype missing', 'weightsManifest.0.weights.0.dtype', DELETE, /invalid field "weightsManifest\.0\.weights\.0\.dtype"/],
  ['quantized', 'weightsManifest.0.weights.0.quantization', { dtype: 'uint8', scale: 1, min: 0 }, /quantized weights are not supported/],
  ['extra spec key', 'weightsManifest.0.weights.0.extra', 1, /invalid field/],
  ['shape empty', 'weightsManifest.0.weights.0.shape', [], /weight specs need \d+ bytes, manifest\.json promises/],
  ['shape 1e12', 'weightsManifest.0.weights.0.shape', [1e12], /invalid field "weightsManifest\.0\.weights\.0\.shape\.0"/],
  ['shape negative', 'weightsManifest.0.weights.0.shape', [-1, 2], /invalid field/],
  ['shape fraction', 'weightsManifest.0.weights.0.shape', [1.5], /invalid field/],
  ['shape 2^20 x 2^20', 'weightsManifest.0.weights.0.shape', [1 << 20, 1 << 20], /values, over the limit/],
  ['shape rank 9', 'weightsManifest.0.weights.0.shape', [1, 1, 1, 1, 1, 1, 1, 1, 1], /invalid field/],
  ['shape string', 'weightsManifest.0.weights.0.shape', 'x', /invalid field/],
  ['name empty', 'weightsManifest.0.weights.0.name', '', /invalid field/],
  ['name unknown', 'weightsManifest.0.weights.0.name', 'nope/kernel', /cannot read the model/],
  ['weights list empty', 'weightsManifest.0.weights', [], /weight specs need 0 bytes/],
  ['weights list null', 'weightsManifest.0.weights', null, /invalid field/],
  ['manifest list empty', 'weightsManifest', [], /invalid field "weightsManifest"/],
  ['manifest list string', 'weightsManifest', 'x', /invalid field/],
  ['paths empty', 'weightsManifest.0.paths', [], /invalid field/],
  ['paths two files', 'weightsManifest.0.paths', ['weights.bin', 'weights.bin'], /names weights files/],
  ['topology null', 'modelTopology', null, /invalid field "modelTopology"/],
  ['topology string', 'modelTopology', 'x', /invalid field/],
  ['topology empty', 'modelTopology', {}, /cannot read the model/],
  ['memory slots 1e12', 'modelTopology.config.layers.MEMORY.config.slots', 1e12, /invalid size in the model topology: .*slots = 1000000000000/],
  ['memory slots -5', 'modelTopology.config.layers.MEMORY.config.slots', -5, /invalid size in the model topology/],
  ['conv filters 1e9', 'modelTopology.config.layers.CONV.config.filters', 1e9, /invalid size in the model topology/],
  ['conv kernel 1e7', 'modelTopology.config.layers.CONV.config.kernel_size', [1e7, 1e7], /invalid size in the model topology/],
  ['input shape 1e9', 'modelTopology.config.layers.0.config.batch_input_shape', [null, 1e9, 1e9, 1], /invalid size in the model topology/],
  ['unknown layer class', 'modelTopology.config.layers.MEMORY.class_name', 'EvilLayer', /cannot read the model/],
];

function modelJsonCases(): HostileCase[] {
  const cases: HostileCase[] = MODEL_JSON.map(([label, field, value, re]) => ({
    name: `model.json ${label}`,
    expect: { error: re },
    run: async () => {
      const d = await copyModel(`j-${label}`);
      const mj = readJson(join(d, 'model.json'));
      const layers = ((mj.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers);
      const at = (cls: RegExp) => String(layers.findIndex((l) => cls.test(l.class_name)));
      setPath(mj, field.replace('MEMORY', at(/Memory/)).replace('CONV', at(/^Conv2D$/)), value);
      writeModelJsonSealed(d, stringify(mj));
      return loadAndScore(d);
    },
  }));
  cases.push({
    name: 'model.json edited, checksum not fixed', expect: { error: /model\.json does not match the checksum/ },
    run: async () => {
      const d = await copyModel('j-unsealed');
      writeFileSync(join(d, 'model.json'), readFileSync(join(d, 'model.json'), 'utf8').replace('"float32"', '"float32" '));
      return loadAndScore(d);
    },
  });
  cases.push({
    name: 'model.json not JSON (sealed)', expect: { error: /model\.json is not valid JSON/ },
    run: async () => { const d = await copyModel('j-notjson'); writeModelJsonSealed(d, '{ nope'); return loadAndScore(d); },
  });
  cases.push({
    name: 'model.json nested 100000 deep (sealed)', expect: { error: /model\.json: (invalid|is not valid JSON)/ },
    run: async () => { const d = await copyModel('j-deep'); writeModelJsonSealed(d, '['.repeat(100_000) + ']'.repeat(100_000)); return loadAndScore(d); },
  });
  return cases;
}

/** Weight values (checksums fixed up). `index` -1 picks a batch-norm running variance. */
const WEIGHTS: [string, (b: Buffer, varOffset: number) => Buffer, RegExp][] = [
  ['NaN', (b) => { b.writeFloatLE(NaN, 0); return b; }, /holds NaN \(not a finite value\)/],
  ['+Infinity', (b) => { b.writeFloatLE(Infinity, 8); return b; }, /holds Infinity/],
  ['-Infinity', (b) => { b.writeFloatLE(-Infinity, 8); return b; }, /holds -Infinity/],
  ['1e38', (b) => { b.writeFloatLE(1e38, 4); return b; }, /not a finite value/],
  ['negative batch-norm variance', (b, v) => { b.writeFloatLE(-0.5, v); return b; }, /batch-norm variance\) holds a negative value/],
  ['truncated by 4 bytes', (b) => b.subarray(0, b.length - 4), /weight specs need \d+ bytes, manifest\.json promises/],
  ['4 extra bytes', (b) => Buffer.concat([b, Buffer.alloc(4)]), /weight specs need \d+ bytes, manifest\.json promises/],
  ['empty', () => Buffer.alloc(0), /weight specs need \d+ bytes, manifest\.json promises 0/],
];

function weightCases(): HostileCase[] {
  return WEIGHTS.map(([label, edit, re]) => ({
    name: `weights ${label}`,
    expect: { error: re },
    run: async () => {
      const d = await copyModel(`w-${label}`);
      const mj = readJson(join(d, 'model.json')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
      let off = 0, varOffset = -1;
      for (const s of mj.weightsManifest[0].weights) {
        if (varOffset < 0 && /running_var/.test(s.name)) varOffset = off;
        off += s.shape.reduce((a, b) => a * b, 1) * 4;
      }
      assert.ok(varOffset >= 0, 'the fixture has a batch-norm variance');
      writeWeightsSealed(d, edit(Buffer.from(readFileSync(join(d, 'weights.bin'))), varOffset));
      return loadAndScore(d);
    },
  }));
}

const CODES: [string, (b: Buffer) => Buffer, boolean, RegExp][] = [
  ['NaN (sealed)', (b) => { b.writeFloatLE(NaN, 4); return b; }, true, /code index holds non-finite values/],
  ['Infinity (sealed)', (b) => { b.writeFloatLE(Infinity, 0); return b; }, true, /code index holds non-finite values/],
  ['truncated by 4 bytes (sealed)', (b) => b.subarray(0, b.length - 4), true, /codeScore promises \d+ bytes for/],
  ['truncated by 4 bytes', (b) => b.subarray(0, b.length - 4), false, /do not match manifest\.json/],
  ['4 extra bytes', (b) => Buffer.concat([b, Buffer.alloc(4)]), false, /larger than|too large|bytes/],
  ['one value changed', (b) => { b.writeFloatLE(0.5, 0); return b; }, false, /do not match manifest\.json/],
];

function codeCases(): HostileCase[] {
  return CODES.map(([label, edit, sealed, re]) => ({
    name: `codes ${label}`,
    expect: { error: re },
    run: async () => {
      const d = await copyModel(`c-${label}`);
      const b = edit(Buffer.from(readFileSync(join(d, 'codes.bin'))));
      if (sealed) writeCodesSealed(d, b);
      else writeFileSync(join(d, 'codes.bin'), b);
      return loadAndScore(d);
    },
  }));
}

/** What each of the four files may be replaced by. */
const KINDS: [string, (p: string) => void, Record<string, RegExp>][] = [
  ['a FIFO', (p) => mkfifo(p), { all: /is a FIFO, not a regular file/ }],
  ['a directory', (p) => mkdirSync(p), { all: /is a directory, not a regular file/ }],
  ['a symlink to /dev/zero', (p) => symlinkSync('/dev/zero', p), { all: ESCAPE }],
  ['a symlink to /etc/passwd', (p) => symlinkSync('/etc/passwd', p), { all: ESCAPE }],
  ['a dangling symlink', (p) => symlinkSync(p + '.gone', p), { 'manifest.json': /no manifest\.json/, all: /is missing|no such/ }],
  ['empty', (p) => writeFileSync(p, ''), { 'manifest.json': /manifest is empty/, 'model.json': /model file is empty/, 'codes.bin': /code index is empty|do not match/, all: /weight specs need|holds 0 bytes|is empty/ }],
  ['missing', () => undefined, { 'manifest.json': /no manifest\.json/, all: /is missing|no such/ }],
];

function fileKindCases(): HostileCase[] {
  return cross(['manifest.json', 'model.json', 'weights.bin', 'codes.bin'], KINDS).map(([file, [label, make, res]]) => ({
    name: `${file} is ${label}`,
    expect: { error: res[file] ?? res.all },
    run: async () => {
      const d = await copyModel(`k-${file}-${label}`);
      rmSync(join(d, file));
      make(join(d, file));
      return loadAndScore(d);
    },
  }));
}

test('hostile model folders: every case refused with its one-line error, or loaded unchanged', { timeout: 600_000 }, async () => {
  const { model } = await pristine();
  reference = await loadAndScore(model);
  const cases = [...manifestCases(), ...(await pathCases()), ...modelJsonCases(), ...weightCases(), ...codeCases(), ...fileKindCases()];
  const s = await runCases('model folders', cases, { concurrency: 4, timeoutMs: 20_000 });
  assertClean(s, 550);
});
