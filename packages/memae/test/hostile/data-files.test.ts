// Hostile data files: images (empty, truncated, decompression bombs by header, FIFO, folder, device, wrong
// content), numeric CSV values (one rule: strict decimal numbers; anything else names file, line and column),
// CSV file kinds, and the decoded-image temp store on SIGINT / SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { decodeImage } from '../../src/data/image-decode.js';
import { loadImageClasses } from '../../src/data/image-folder.js';
import { readTable } from '../../src/data/table.js';
import { assertClean, HostileCase, runCases } from './harness.js';
import { bmp, fresh, mkfifo, png } from './fixtures.js';

const OPTS = { height: 28, width: 28, channels: 1 as const };
const decoded = (v: unknown) => assert.equal((v as Uint8Array).length, 28 * 28);

/** A minimal baseline JPEG header (SOF0) claiming width x height, no scan data. */
function jpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}
function gifHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return Buffer.concat([b, Buffer.from([0x2c, 0, 0, 0, 0, width & 255, width >> 8, height & 255, height >> 8, 0, 2, 0, 0x3b])]);
}

type Make = (p: string) => void;
const file = (b: Buffer | string): Make => (p) => writeFileSync(p, b);
const IMAGES: [string, string, Make, RegExp | 'ok', number?][] = [
  ['zero-byte PNG', 'x.png', file(''), /x\.png: the image is empty$/],
  ...[8, 16, 33, 45, 60].map((n): [string, string, Make, RegExp] => [`PNG truncated to ${n} bytes`, 'x.png', file(png(30, 20).subarray(0, n)), /x\.png: unreadable image/]),
  ['PNG 16000x16000 (bomb)', 'x.png', file(png(16000, 16000, false)), /x\.png: image of 16000x16000 pixels, over the limit of 40000000/],
  ['PNG 65535x65535 (bomb)', 'x.png', file(png(65535, 65535, false)), /image of 65535x65535 pixels, over the limit/],
  ['PNG 7000x7000 (just over)', 'x.png', file(png(7000, 7000, false)), /image of 7000x7000 pixels, over the limit/],
  ['PNG 100000x1 (long, small)', 'x.png', file(png(100000, 1)), 'ok'],
  ['PNG 1x1', 'x.png', file(png(1, 1)), 'ok'],
  ['PNG 30x20', 'x.png', file(png(30, 20)), 'ok'],
  ['PNG 30x20 over a 100-pixel cap', 'x.png', file(png(30, 20)), /image of 30x20 pixels, over the limit of 100/, 100],
  ['PNG width 0', 'x.png', file(png(0, 5, false)), /x\.png: unreadable image/],
  ['JPEG header 60000x60000 (bomb)', 'x.jpg', file(jpegHeader(60000, 60000)), /image of 60000x60000 pixels, over the limit|unreadable image/],
  ['GIF header 65535x65535 (bomb)', 'x.gif', file(gifHeader(65535, 65535)), /image of 65535x65535 pixels, over the limit|unreadable image/],
  ['BMP header 30000x30000 (bomb)', 'x.bmp', file(bmp(30000, 30000, 16)), /x\.bmp: image of 30000x30000 pixels, over the limit/],
  ['BMP header 30000x-30000 (top-down bomb)', 'x.bmp', file(bmp(30000, -30000, 16)), /image of 30000x30000 pixels, over the limit/],
  ['BMP 2x2', 'x.bmp', file(bmp(2, 2, 16)), 'ok'],
  ['BMP header only "BM"', 'x.bmp', file('BM'), /x\.bmp: unreadable BMP image \(truncated header\)/],
  ['text named .png', 'x.png', file('hello, not an image\n'), /x\.png: unreadable image/],
  ['SVG named .png', 'x.png', file('<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"/>'), /x\.png: (unreadable image|image of 99999x99999 pixels, over the limit)/],
  ['random bytes', 'x.png', file(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255))), /x\.png: unreadable image/],
  ['FIFO named x.png', 'x.png', (p) => mkfifo(p), /x\.png: the image is a FIFO, not a regular file/],
  ['folder named x.png', 'x.png', (p) => mkdirSync(p), /x\.png: the image is a directory, not a regular file/],
  ['symlink to /dev/zero named x.png', 'x.png', (p) => symlinkSync('/dev/zero', p), /x\.png: the image is a device, not a regular file/],
  ['dangling symlink', 'x.png', (p) => symlinkSync(p + '.gone', p), /x\.png: no such image/],
  ['missing', 'x.png', () => undefined, /x\.png: no such image/],
];

function imageCases(): HostileCase[] {
  const cases: HostileCase[] = IMAGES.map(([label, name, make, expect, maxPixels]) => ({
    name: `image ${label}`,
    expect: expect === 'ok' ? { ok: true, check: decoded } : { error: expect },
    run: async () => {
      const d = fresh(`i-${label}`);
      mkdirSync(d);
      make(join(d, name));
      return decodeImage(join(d, name), { ...OPTS, ...(maxPixels ? { maxPixels } : {}) });
    },
  }));
  cases.push({
    name: 'image folder holding a zero-byte PNG', expect: { error: /bad\.png: the image is empty/ },
    run: async () => {
      const d = fresh('folder');
      mkdirSync(join(d, 'a'), { recursive: true });
      writeFileSync(join(d, 'a', 'good.png'), png(28, 28));
      writeFileSync(join(d, 'a', 'bad.png'), '');
      return loadImageClasses(d, { channels: 1, size: [28, 28] });
    },
  });
  return cases;
}

/** Numeric CSV values: strict decimals are read exactly; the rest name the file, line and column. */
const ACCEPTED = ['12', '-0.5', '+3', '.5', '5.', '1e-3', '1E5', '-0', '0', '  7  ', '00012', '1e308', '-1e-320', '3.14159', '6.02e+23'];
const NOT_NUMBERS = ['0x1F', '0X1f', '-0x10', '0b101', '0o17', '1_000', '"1,5"', '12abc', '--1', '1e', 'e5', '.', '+', '1.2.3', '١٢', '１２', '1e400', '-1e400', '0x', 'true', '1e+', '½', '1 000', '∞'];
const MISSING = ['', 'inf', '-inf', 'Infinity', 'NaN', 'null', '?', 'n/a'];

function csvCases(): HostileCase[] {
  const one = (label: string, v: string, expect: HostileCase['expect']): HostileCase => ({
    name: `csv value ${label} ${JSON.stringify(v)}`,
    expect,
    run: async () => {
      const p = join(fresh('csv'), 'rows.csv');
      mkdirSync(join(p, '..'));
      writeFileSync(p, `a,b,label\n1,2,normal\n${v},3,normal\n`);
      const t = await readTable(p);
      return (t.columns[0] as Float64Array)[1];
    },
  });
  const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1');
  return [
    ...ACCEPTED.map((v) => one('accepted', v, { ok: true, check: (x) => assert.equal(x, Number(v.trim())) })),
    ...NOT_NUMBERS.map((v) => one('refused', v, { error: new RegExp(`rows\\.csv:3: column "a": "${unquote(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not a number$`) })),
    // a 1 MB field is echoed cut to 60 characters, not as a 1 MB error line
    one('refused', `${'1'.repeat(1_000_000)}x`, { error: /rows\.csv:3: column "a": "1{60}"\.\.\. \(1000001 characters\) is not a number$/ }),
    ...MISSING.map((v) => one('missing', v, { error: /rows\.csv:3: column "a": ".*" is missing or non-finite value \(train with --missing impute to impute the training median\)$/ })),
  ];
}

const TABLE_KINDS: [string, string, Make, RegExp][] = [
  ['FIFO', 'rows.csv', (p) => mkfifo(p), /rows\.csv: the data file is a FIFO, not a regular file/],
  ['gzipped FIFO', 'rows.csv.gz', (p) => mkfifo(p), /rows\.csv\.gz: the data file is a FIFO, not a regular file/],
  ['symlink to /dev/zero', 'rows.csv', (p) => symlinkSync('/dev/zero', p), /rows\.csv: the data file is a device, not a regular file/],
  ['folder', 'rows.csv', (p) => mkdirSync(p), /rows\.csv: is a folder, expected a file/],
  ['missing', 'rows.csv', () => undefined, /rows\.csv: file not found/],
  ['truncated gzip', 'rows.csv.gz', file(gzipSync('a,b,label\n' + '1,2,normal\n'.repeat(50)).subarray(0, 30)), /rows\.csv\.gz/],
];

function tableKindCases(): HostileCase[] {
  return TABLE_KINDS.map(([label, name, make, re]) => ({
    name: `csv file ${label}`, expect: { error: re },
    run: async () => { const d = fresh(`t-${label}`); mkdirSync(d); make(join(d, name)); return readTable(join(d, name)); },
  }));
}

/** A child holding a disk-backed image store is sent `sig`: it must die of that signal with the store removed. */
function signalCase(sig: 'SIGINT' | 'SIGTERM'): HostileCase {
  return {
    name: `image temp store removed on ${sig}`, expect: { ok: true }, timeoutMs: 60_000,
    run: () => new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./store-child.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
      let path = '';
      createInterface({ input: child.stdout }).once('line', (line) => { path = line; assert.ok(existsSync(path), 'the store exists while the child runs'); child.kill(sig); });
      child.on('exit', (_code, signal) => {
        try {
          assert.equal(signal, sig, 'the child ends by the signal');
          assert.ok(path !== '' && !existsSync(path), `the store ${path} is removed`);
          resolve(undefined);
        } catch (e) {
          reject(new (class extends Error {})((e as Error).message));
        }
      });
    }),
  };
}

test('hostile data files: refused with a one-line error naming the file (and line, column), or read exactly', { timeout: 600_000 }, async () => {
  const cases = [...imageCases(), ...csvCases(), ...tableKindCases(), signalCase('SIGINT'), signalCase('SIGTERM')];
  const s = await runCases('data files', cases, { concurrency: 4, timeoutMs: 20_000 });
  assertClean(s, 84);
});
