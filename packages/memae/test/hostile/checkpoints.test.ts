// Hostile checkpoints: every header field x every mutation (checksum fixed up, so the validation behind
// it is exercised), damaged tensor bytes, truncations, file kinds, stale temp files, format 1. Each case
// resumes through the library (MemAE.fit with resume) and must be refused with its one-line UserError
// naming the checkpoint as damaged (or the specific mismatch), or resume and finish the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemAE } from '../../src/detector/memae.js';
import { assertClean, cross, HostileCase, runCases } from './harness.js';
import { DELETE, fresh, IMAGE, mkfifo, noise, pristine, Raw, setPath, stringify } from './fixtures.js';

const train = noise(12, IMAGE.inputShape);
const FIT = { batchSize: 6, progressBar: false, scoreTraining: false } as const;

interface Parsed { header: Record<string, unknown>; data: Buffer }
function parse(buf: Buffer): Parsed {
  const hlen = buf.readUInt32LE(8);
  return { header: JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8')), data: buf.subarray(12 + hlen) };
}

/** Writes a checkpoint from a header and tensor bytes; `reseal` recomputes the format-2 checksum. */
function build(header: Record<string, unknown>, data: Buffer, reseal = true): Buffer {
  const h = { ...header };
  if (reseal) {
    delete h.sha256;
    const parsed = JSON.parse(stringify(h));
    const hash = createHash('sha256');
    if (parsed.version !== 1) hash.update(JSON.stringify(parsed));
    h.sha256 = hash.update(data).digest('hex');
  }
  const text = Buffer.from(stringify(h));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(text.length);
  return Buffer.concat([Buffer.from('MEMAECK1'), len, text, data]);
}

async function copy(name: string, bytes?: Buffer): Promise<string> {
  const d = fresh(name);
  mkdirSync(d);
  const p = join(d, 'c.ckpt');
  if (bytes) writeFileSync(p, bytes);
  else copyFileSync((await pristine()).checkpoint, p);
  return p;
}

/** Resumes the pristine run (1 epoch done) to `epochs`. */
async function resume(ckpt: string, epochs = 2): Promise<number> {
  const det = await MemAE.create(IMAGE);
  try {
    const h = await det.fit(train, { ...FIT, epochs, checkpoint: ckpt, resume: true });
    return h.history.length;
  } finally {
    det.dispose();
  }
}
const finished = (n = 2) => (v: unknown) => assert.equal(v, n, 'epochs in the history');

const MUTATIONS: [string, unknown][] = [
  ['deleted', DELETE], ['null', null], ['string', 'x'], ['negative', -1], ['zero', 0], ['fraction', 1.5], ['huge', 1e12],
  ['empty array', []], ['object', {}], ['boolean', true], ['overflow 1e400', new Raw('1e400')],
];

const DAMAGED = /^checkpoint .*c\.ckpt is damaged \(.+\); delete it to start over$/;
// Tensors are restored by position (the config key names the model), so a renamed tensor of the right shape
// resumes; history entries are records, so any non-negative loss is taken as written.
/** Header fields; per field the mutations that resume fine, and those refused with another message. */
const FIELDS: [string, string[], Record<string, RegExp>][] = [
  ['format', [], {}], ['version', [], {}], ['meta', [], {}],
  ['meta.epochsDone', [], {}], ['meta.history', [], {}], ['meta.history.0.loss', ['zero', 'fraction', 'huge'], {}],
  ['meta.best', ['null', 'negative', 'zero', 'fraction', 'huge'], {}],
  ['meta.badEpochs', ['zero', 'huge'], {}], ['meta.samplesSeen', ['zero', 'huge'], {}],
  ['meta.configKey', [], { string: /was written for a different model configuration/ }],
  ['meta.seed', [], { negative: /resume with the same values/, zero: /resume with the same values/, huge: /resume with the same values/ }],
  ['meta.batchSize', [], { huge: /resume with the same values/ }],
  ['meta.learningRate', [], { fraction: /resume with the same values/, huge: /resume with the same values/ }],
  ['modelSpecs', [], {}], ['modelSpecs.0', [], {}], ['modelSpecs.0.name', ['string'], {}], ['modelSpecs.0.shape', [], {}],
  ['modelSpecs.0.dtype', [], {}], ['modelSpecs.0.offset', ['zero'], {}], ['modelSpecs.0.length', [], {}],
  ['optimizerSpecs', [], {}], ['optimizerSpecs.0', [], {}], ['optimizerSpecs.0.dtype', [], {}],
  ['optimizerSpecs.1.dtype', [], {}], ['optimizerSpecs.1.offset', [], {}], ['optimizerSpecs.1.shape', [], {}],
  ['modelBytes', [], {}], ['sha256', [], {}],
];

async function headerCases(): Promise<HostileCase[]> {
  const base = parse(readFileSync((await pristine()).checkpoint));
  return cross(FIELDS, MUTATIONS).map(([[field, accepts, other], [label, value]]) => ({
    name: `checkpoint ${field} x ${label}`,
    expect: accepts.includes(label) ? { ok: true, check: finished() } : { error: other[label] ?? DAMAGED },
    run: async () => {
      const h = structuredClone(base.header);
      setPath(h, field, value);
      return resume(await copy(`c-${field}-${label}`, build(h, base.data, field !== 'sha256')));
    },
  }));
}

/** Structural damage with a valid checksum (or without one), and file kinds. */
async function damageCases(): Promise<HostileCase[]> {
  const { checkpoint } = await pristine();
  const raw = readFileSync(checkpoint);
  const { header, data } = parse(raw);
  const specs = header.modelSpecs as { name: string; shape: number[]; offset: number; length: number }[];
  const withData = (edit: (d: Buffer) => void) => { const d = Buffer.from(data); edit(d); return build(header, d); };
  const withHeader = (edit: (h: Record<string, unknown>) => void) => { const h = structuredClone(header); edit(h); return build(h, data); };
  const modelBytes = header.modelBytes as number;
  const cases: [string, () => Buffer | Promise<void | Buffer> | void, RegExp | 'ok', ((p: string) => void)?][] = [
    ['NaN in model weights (checksum fixed)', () => withData((d) => d.writeFloatLE(NaN, 0)), /damaged \(tensor .* holds non-finite values\)/],
    ['Inf in model weights (checksum fixed)', () => withData((d) => d.writeFloatLE(Infinity, 40)), /damaged \(tensor .* holds non-finite values\)/],
    ['1e38 in model weights (checksum fixed)', () => withData((d) => d.writeFloatLE(1e38, 4)), /damaged \(tensor .* holds 9\.99\d*e\+37, beyond \+-1e\+30\)/],
    ['NaN in an Adam moment (checksum fixed)', () => withData((d) => d.writeFloatLE(NaN, modelBytes + 8)), /damaged \(tensor .*\/[mv] holds non-finite values\)/],
    ['one flipped bit', () => { const b = Buffer.from(raw); b[b.length - 3] ^= 1; return b; }, /damaged \(checksum mismatch\)/],
    ['4 bytes appended', () => Buffer.concat([raw, Buffer.alloc(4)]), /damaged \(checksum mismatch\)/],
    ['4 bytes appended (checksum fixed)', () => build(header, Buffer.concat([data, Buffer.alloc(4)])), /damaged \(optimizer section holds/],
    ['last 4 bytes cut (checksum fixed)', () => build(header, data.subarray(0, data.length - 4)), /damaged \(optimizer tensor .* runs past the end of the file\)/],
    ['swapped shapes', () => withHeader((h) => { const s = h.modelSpecs as { shape: number[] }[]; [s[0].shape, s[1].shape] = [s[1].shape, s[0].shape]; }), DAMAGED],
    ['shape with one value more', () => withHeader((h) => { (h.modelSpecs as { shape: number[] }[])[0].shape = [specs[0].shape.reduce((a, b) => a * b, 1) + 1]; }), /does not fit shape/],
    ['length not a multiple of 4', () => withHeader((h) => { (h.modelSpecs as { length: number }[])[0].length = 5; }), /does not fit shape/],
    ['offset past the end', () => withHeader((h) => { (h.modelSpecs as { offset: number }[])[1].offset = 1e9; }), /offset 1000000000/],
    ['overlapping offsets', () => withHeader((h) => { (h.modelSpecs as { offset: number }[])[1].offset = 0; }), /offset 0, \d+ expected/],
    ['modelBytes past the end', () => withHeader((h) => { h.modelBytes = 1e9; }), /model section of 1000000000 bytes/],
    ['modelBytes one tensor short', () => withHeader((h) => { h.modelBytes = modelBytes - specs.at(-1)!.length; }), DAMAGED],
    ['int32 model tensor', () => withHeader((h) => { (h.modelSpecs as { dtype: string }[])[0].dtype = 'int32'; }), /dtype int32, float32 expected/],
    ['no model specs', () => withHeader((h) => { h.modelSpecs = []; }), /header field "modelSpecs"/],
    ['no optimizer specs', () => withHeader((h) => { h.optimizerSpecs = []; }), /header field "optimizerSpecs"/],
    ['one model tensor missing', () => withHeader((h) => { (h.modelSpecs as unknown[]).pop(); h.modelBytes = modelBytes - specs.at(-1)!.length; }), /holds \d+ weights, the model has \d+|damaged/],
    ['history not an array', () => withHeader((h) => { (h.meta as Record<string, unknown>).history = 'x'; }), /trainer field "history"/],
    ['history longer than epochsDone', () => withHeader((h) => { const m = h.meta as { history: unknown[] }; m.history = [m.history[0], m.history[0]]; }), /history holds 2 epochs, epochsDone is 1/],
    ['epochsDone 1e9', () => withHeader((h) => { (h.meta as Record<string, unknown>).epochsDone = 1e9; }), /history holds 1 epochs, epochsDone is 1000000000/],
    ['epochsDone -3', () => withHeader((h) => { (h.meta as Record<string, unknown>).epochsDone = -3; }), /trainer field "epochsDone"/],
    ['epochsDone "2"', () => withHeader((h) => { (h.meta as Record<string, unknown>).epochsDone = '2'; }), /trainer field "epochsDone"/],
    ['3 epochs done, 2 asked', () => withHeader((h) => { const m = h.meta as { history: { epoch: number }[]; epochsDone: number }; m.history = [1, 2, 3].map((epoch) => ({ ...m.history[0], epoch })); m.epochsDone = 3; }), /already holds 3 epochs, more than the 2 asked for/],
    ['format 1 (checksum over the tensors only)', () => withHeader((h) => { h.version = 1; }), 'ok'],
    ['header length 0xFFFFFFFF', () => { const b = Buffer.from(raw); b.writeUInt32LE(0xffffffff, 8); return b; }, /damaged \(header of 4294967295 bytes\)/],
    ['header length past the end', () => { const b = Buffer.from(raw); b.writeUInt32LE(raw.length, 8); return b; }, /damaged \(truncated header\)/],
    ['header not JSON', () => { const b = Buffer.from(raw); b[12] = 0x7b; b[13] = 0x7b; return b; }, /damaged \(unreadable header\)/],
    ['header a JSON array', () => { const t = Buffer.from('[1,2]'); const l = Buffer.alloc(4); l.writeUInt32LE(t.length); return Buffer.concat([Buffer.from('MEMAECK1'), l, t]); }, /damaged \(header field "\(root\)"/],
    ['wrong magic', () => { const b = Buffer.from(raw); b.write('MEMAECK9', 0, 'latin1'); return b; }, /damaged \(not a memae checkpoint\)/],
    ['a PNG file', () => Buffer.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13]), /damaged \(not a memae checkpoint\)/],
    ['empty file', () => Buffer.alloc(0), /damaged \(not a memae checkpoint\)/],
    ...[5, 11, 12, 100, 1000].map((n): [string, () => Buffer, RegExp] => [`truncated to ${n} bytes`, () => raw.subarray(0, n), /damaged \((not a memae checkpoint|truncated header)\)/]),
    ...[1, 4, 100].map((n): [string, () => Buffer, RegExp] => [`last ${n} bytes cut`, () => raw.subarray(0, raw.length - n), /damaged \(checksum mismatch\)/]),
  ];
  const out: HostileCase[] = cases.map(([label, make, expect]) => ({
    name: `checkpoint ${label}`,
    expect: expect === 'ok' ? { ok: true, check: finished() } : { error: expect },
    run: async () => resume(await copy(`d-${label}`, (await make()) as Buffer)),
  }));
  const kinds: [string, (p: string) => void, RegExp][] = [
    ['a FIFO', (p) => mkfifo(p), /the checkpoint is a FIFO, not a regular file/],
    ['a directory', (p) => mkdirSync(p), /the checkpoint is a directory, not a regular file/],
    ['a symlink to /dev/zero', (p) => symlinkSync('/dev/zero', p), /the checkpoint is a device, not a regular file/],
  ];
  for (const [label, make, re] of kinds) {
    out.push({ name: `checkpoint is ${label}`, expect: { error: re }, run: async () => { const d = fresh(`k-${label}`); mkdirSync(d); make(join(d, 'c.ckpt')); return resume(join(d, 'c.ckpt')); } });
  }
  out.push({
    name: 'stale temp files of a killed writer are removed on the next start, a live writer\'s kept',
    expect: { ok: true },
    run: async () => {
      const p = await copy('stale');
      const dead = join(p, '..', '.c.ckpt.99999999.tmp');
      const live = join(p, '..', `.c.ckpt.${process.ppid}.tmp`);
      writeFileSync(dead, 'half a checkpoint');
      writeFileSync(live, 'another process still writing');
      await resume(p);
      assert.equal(existsSync(dead), false, 'the dead writer\'s temp file is gone');
      assert.equal(existsSync(live), true, 'a running process\'s temp file is kept');
    },
  });
  return out;
}

test('hostile checkpoints: every case refused as damaged (or the exact mismatch), or resumed', { timeout: 600_000 }, async () => {
  await pristine();
  const cases = [...(await headerCases()), ...(await damageCases())];
  const s = await runCases('checkpoints', cases, { concurrency: 2, timeoutMs: 30_000 });
  assertClean(s, 330);
});
