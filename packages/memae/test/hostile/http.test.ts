// Hostile HTTP requests against the real service on 127.0.0.1 (real models, real libtorch, real sockets).
// Every generated case asserts its exact status, and that the server still scores a valid PNG afterwards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { FastifyInstance } from 'fastify';
import { ArrayDataset } from '../../src/data/dataset.js';
import { loadFashionMnist } from '../../src/data/mnist.js';
import { createDetector, loadDetector } from '../../src/run/detector-port.js';
import { servedModel } from '../../src/serve/from-detector.js';
import { buildServer, type ServerOptions } from '../../src/serve/server.js';
import { tinyModel } from '../ui-helpers/tiny-model.js';
import { multipartBody, raw, request, type RawAnswer } from './http-harness.js';

const LIMIT = 256 * 1024;
const MAX_ROWS = 16;
const FEATURES = 16;
const REQUEST_TIMEOUT = 1500;


/** 16 features per Fashion-MNIST image: the means of its 7x7 blocks (real data for a real tabular model). */
function pooled(img: Float32Array): number[] {
  return Array.from({ length: FEATURES }, (_, f) => {
    const by = Math.floor(f / 4) * 7;
    const bx = (f % 4) * 7;
    let s = 0;
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) s += img[(by + y) * 28 + bx + x];
    return s / 49;
  });
}

async function start(opts: Partial<ServerOptions>, models: ServerOptions['models']): Promise<{ app: FastifyInstance; port: number }> {
  const a = await buildServer({ models, maxBatch: 32, maxWaitMs: 2, bodyLimit: LIMIT, maxSamplesPerRequest: MAX_ROWS, requestTimeoutMs: REQUEST_TIMEOUT, headersTimeoutMs: 1000, keepAliveTimeoutMs: 1000, tensorStats: () => tf.memory(), ...opts });
  await a.listen({ port: 0, host: '127.0.0.1' });
  const addr = a.server.address();
  return { app: a, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

// set up at the top level (not in before()) so the generated cases below can hold real bytes
const tiny = await tinyModel();
const png = readFileSync(tiny.pngs.normal);
const train = await loadFashionMnist({ split: 'train', limit: 256 });
const rows = Array.from({ length: train.size }, (_, i) => pooled(train.gather([i])));
const tabRows = rows.slice(0, 4);
const tab = await createDetector({ kind: 'tabular', variant: 'memae', inputShape: [FEATURES], seed: 1 });
await tab.fit(new ArrayDataset(Float32Array.from(rows.flat()), [FEATURES]), { epochs: 1, batchSize: 32 });
const { app, port } = await start({}, [servedModel('img', await loadDetector(tiny.dir)), servedModel('tab', tab)]);
const pngScore = (await valid()).scores[0];
const tensorsBefore = tf.memory().numTensors;

after(async () => {
  await app.close();
});

async function valid(p?: number): Promise<{ status: number; scores: number[] }> {
  p ??= port;
  const r = await fetch(`http://127.0.0.1:${p}/v1/models/img/score`, { method: 'POST', body: new Uint8Array(png), headers: { 'content-type': 'image/png' } });
  return { status: r.status, scores: ((await r.json()) as { scores: number[] }).scores };
}

/** The server still answers a valid request, with the same score as before the attack. */
async function stillServes(): Promise<void> {
  const r = await valid();
  assert.equal(r.status, 200);
  assert.ok(Math.abs(r.scores[0] - pngScore) < 1e-6);
}

interface Case {
  name: string;
  send: () => Promise<RawAnswer>;
  status: number;
  /** the error message must match */
  msg?: RegExp;
}
const cases: Case[] = [];
const post = (path: string, type: string | undefined, body: string | Buffer, extra: Record<string, string> = {}) =>
  () => raw(port, [request('POST', path, { ...(type ? { 'content-type': type } : {}), ...extra }, body)]);
const add = (name: string, send: Case['send'], status: number, msg?: RegExp) => cases.push({ name, send, status, msg });
const IMG = '/v1/models/img/score';
const TAB = '/v1/models/tab/score';
const pixels = (v: number) => Array.from({ length: 784 }, () => v);
const nest = (depth: number, open: string, close: string, inner = '0') => open.repeat(depth) + inner + close.repeat(depth);

// --- charsets and encodings of text bodies
const json1 = () => JSON.stringify({ instances: [tabRows[0]] });
for (const cs of ['utf-16', 'UTF-16LE', 'utf-16be', 'utf-32', 'latin1', 'iso-8859-1', 'windows-1252', 'shift_jis']) {
  add(`JSON declared charset=${cs}`, post(TAB, `application/json; charset=${cs}`, json1()), 415, /charset/);
  add(`CSV declared charset=${cs}`, post(TAB, `text/csv; charset=${cs}`, '1,2\n'), 415, /charset/);
}
add('JSON charset=utf-8 is fine', post(TAB, 'application/json; charset=utf-8', json1()), 200);
add('JSON charset="UTF-8" quoted is fine', post(TAB, 'application/json; charset="UTF-8"', json1()), 200);
const utf16 = (s: string, bom: boolean, be: boolean) => {
  const le = Buffer.from(s, 'utf16le');
  if (be) le.swap16();
  return Buffer.concat([bom ? Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]) : Buffer.alloc(0), le]);
};
for (const bom of [true, false]) {
  for (const be of [true, false]) {
    add(`UTF-16${be ? 'BE' : 'LE'} JSON body${bom ? ' with BOM' : ''}`, post(TAB, 'application/json', utf16(json1(), bom, be)), 400, /UTF-16/);
    add(`UTF-16${be ? 'BE' : 'LE'} CSV body${bom ? ' with BOM' : ''}`, post(TAB, 'text/csv', utf16('1,2,3\n', bom, be)), 400, /UTF-16/);
  }
}
add('invalid UTF-8 bytes in JSON', post(TAB, 'application/json', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])), 400, /UTF-8/);
add('invalid UTF-8 bytes in CSV', post(TAB, 'text/csv', Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0xfd, 0x0a])), 400, /UTF-8/);

// --- JSON nesting, counts, shapes and values
for (const depth of [33, 100, 1000, 30_000]) {
  add(`JSON arrays nested ${depth * 3} deep`, post(TAB, 'application/json', `{"instances":${nest(depth * 3, '[', ']')}}`), 400, /nested deeper/);
  add(`JSON objects nested ${depth} deep`, post(TAB, 'application/json', nest(depth, '{"a":', '}')), 400, /nested deeper/);
}
add('JSON brackets inside strings do not count as nesting', post(TAB, 'application/json', JSON.stringify({ instances: [tabRows[0]], x: '['.repeat(100) })), 400, /unknown key 'x'/);
for (const n of [MAX_ROWS + 1, 100, 1025, 5000]) {
  add(`${n} JSON instances`, post(TAB, 'application/json', JSON.stringify({ instances: Array.from({ length: n }, () => [0]) })), 413, /instances, at most 16/);
  add(`tensor of ${n} samples`, post(TAB, 'application/json', JSON.stringify({ tensor: { shape: [n, FEATURES], data: [] } })), 413, /at most 16/);
}
add(`${MAX_ROWS} JSON instances are fine`, post(TAB, 'application/json', JSON.stringify({ instances: Array.from({ length: MAX_ROWS }, (_, i) => tabRows[i % 4]) })), 200);
for (const [what, v] of [['1e38', '1e38'], ['-1e38', '-1e38'], ['3e38', '3e38'], ['1e39 (float32 overflow)', '1e39'], ['1e400 (Infinity)', '1e400'], ['-1e400', '-1e400']] as const) {
  add(`tabular values of ${what}`, post(TAB, 'application/json', `{"instances":[[${Array.from({ length: FEATURES }, () => v).join(',')}]]}`), 400, /finite/);
  add(`image pixels of ${what}`, post(IMG, 'application/json', `{"instances":[[${v},${pixels(0).slice(1).join(',')}]]}`), 400, /finite/);
}
add('one value of 1e38 among normal ones', post(TAB, 'application/json', JSON.stringify({ instances: [[1e38, ...tabRows[0].slice(1)]] })), 400, /sample 0: value 0 is 1\.000e\+38 \(inputs must be finite numbers of magnitude <= 1e\+18\)/);
for (const lit of ['NaN', 'Infinity', '-Infinity', 'nan', 'undefined']) {
  add(`JSON literal ${lit}`, post(TAB, 'application/json', `{"instances":[[${lit}]]}`), 400, /bad JSON/);
}
const badJson: [string, string, RegExp][] = [
  ['empty body', '', /bad JSON|empty/i],
  ['truncated object', '{"instances":[[1,2]', /bad JSON/],
  ['trailing comma', '{"instances":[[1,2],]}', /bad JSON/],
  ['single quotes', "{'instances':[[1]]}", /bad JSON/],
  ['a bare array', '[[1,2]]', /expected object/i],
  ['null', 'null', /expected object/i],
  ['a number', '42', /expected object/i],
  ['a string', '"x"', /expected object/i],
  ['no instances', '{}', /exactly one of/],
  ['empty instances', '{"instances":[]}', /instances/],
  ['instances as a string', '{"instances":"abc"}', /instances/],
  ['string values', '{"instances":[["1","2"]]}', /instances/],
  ['null values', '{"instances":[[null]]}', /instances/],
  ['booleans', '{"instances":[[true]]}', /instances/],
  ['both instances and tensor', JSON.stringify({ instances: [[1]], tensor: { shape: [1, 16], data: [] } }), /exactly one of/],
  ['wrong sample size', '{"instances":[[1,2,3]]}', /3 values, the model takes \[16\]/],
  ['tensor shape mismatch', JSON.stringify({ tensor: { shape: [1, 15], data: Array(15).fill(0) } }), /does not match/],
  ['tensor data too short', JSON.stringify({ tensor: { shape: [2, 16], data: Array(16).fill(0) } }), /needs 32/],
  ['tensor negative shape', JSON.stringify({ tensor: { shape: [-1, 16], data: [] } }), /tensor\.shape/],
  ['tensor fractional shape', JSON.stringify({ tensor: { shape: [1.5, 16], data: [] } }), /tensor\.shape/],
  ['__proto__ key', '{"__proto__":{"x":1},"instances":[[1]]}', /unknown key|__proto__/],
  ['constructor key', '{"constructor":{"prototype":{}},"instances":[[1]]}', /unknown key 'constructor'/],
  ['errorMaps not boolean', JSON.stringify({ instances: [tabRows[0]], errorMaps: 'yes' }), /errorMaps/],
  ['duplicate keys, last wrong', '{"instances":[[0]],"instances":"x"}', /instances/],
];
for (const [name, body, msg] of badJson) add(`JSON ${name}`, post(TAB, 'application/json', body), 400, msg);
add('JSON over the body limit', post(TAB, 'application/json', `{"instances":[[${'0,'.repeat(LIMIT / 2)}0]]}`), 413);

// --- CSV (tabular model)
const csvRow = (r: number[]) => r.join(',');
add('CSV valid rows with a header', post(TAB, 'text/csv', `${Array.from({ length: FEATURES }, (_, i) => `f${i}`).join(',')}\n${csvRow(tabRows[0])}\n${csvRow(tabRows[1])}\n`), 200);
add('CSV one 200 KiB field', post(TAB, 'text/csv', '1'.repeat(200 * 1024)), 413, /characters, at most/);
add('CSV one huge quoted field', post(TAB, 'text/csv', `"${'x'.repeat(150 * 1024)}"`), 413, /characters, at most/);
add(`CSV ${MAX_ROWS + 2} rows`, post(TAB, 'text/csv', Array.from({ length: MAX_ROWS + 2 }, () => csvRow(tabRows[0])).join('\n')), 413, /at most 16/);
add('CSV 10,000 short rows', post(TAB, 'text/csv', '1\n'.repeat(10_000)), 413, /at most 16/);
for (const bad of ['0x1F', '0b101', '0o17', 'Infinity', '-Infinity', 'NaN', '1e400', '1,5', '', ' ', '1_000', '١٢']) {
  const row = [...tabRows[0].slice(0, FEATURES - 1).map(String), bad];
  add(`CSV value '${bad}'`, post(TAB, 'text/csv', `${csvRow(tabRows[1])}\n${row.join(',')}\n`), 400);
}
add('CSV too few columns', post(TAB, 'text/csv', '1,2,3\n'), 400, /3 values/);
add('CSV only a header', post(TAB, 'text/csv', 'a,b,c\n'), 400, /no data rows/);
add('CSV empty', post(TAB, 'text/csv', ''), 400);
add('CSV unterminated quote', post(TAB, 'text/csv', '"1,2\n'), 400, /bad CSV/);
add('CSV 1e38 values are refused before the model', post(TAB, 'text/csv', Array.from({ length: FEATURES }, () => '1e38').join(',')), 400, /magnitude <= 1e\+18/);
add('CSV for an image model', post(IMG, 'text/csv', '1,2,3\n'), 415, /not CSV rows/);
add('CSV over the body limit', post(TAB, 'text/csv', '1,'.repeat(LIMIT)), 413);

// --- image bodies
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><rect width="28" height="28"/></svg>';
const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64');
const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
const jpegHead = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
for (const type of ['image/png', 'image/jpeg', 'application/octet-stream']) {
  add(`SVG sent as ${type}`, post(IMG, type, svg), 415, /neither a PNG nor a JPEG/);
  add(`GIF sent as ${type}`, post(IMG, type, gif), 415, /neither a PNG nor a JPEG/);
  add(`BMP sent as ${type}`, post(IMG, type, bmp), 415, /neither a PNG nor a JPEG/);
  add(`text sent as ${type}`, post(IMG, type, 'hello'), 415, /neither a PNG nor a JPEG/);
  add(`empty body as ${type}`, post(IMG, type, ''), 400, /empty/);
  add(`PNG cut to 40 bytes as ${type}`, post(IMG, type, png.subarray(0, 40)), type === 'image/jpeg' ? 415 : 400);
  add(`PNG signature only as ${type}`, post(IMG, type, png.subarray(0, 8)), type === 'image/jpeg' ? 415 : 400);
  add(`image over the body limit as ${type}`, post(IMG, type, Buffer.concat([png, Buffer.alloc(LIMIT)])), 413);
}
add('a PNG declared image/jpeg', post(IMG, 'image/jpeg', png), 415, /declared image\/jpeg but is a PNG/);
add('a JPEG header declared image/png', post(IMG, 'image/png', jpegHead), 415, /declared image\/png but is a JPEG/);
add('a truncated JPEG', post(IMG, 'image/jpeg', jpegHead), 400, /^image: unreadable image \(/);
add('a valid PNG as octet-stream', post(IMG, 'application/octet-stream', png), 200);
add('a PNG for the tabular model', post(TAB, 'image/png', png), 415, /tabular rows/);

// --- multipart
const B = 'hostile-boundary-42';
const mp = (parts: Parameters<typeof multipartBody>[1], terminate = true) => multipartBody(B, parts, terminate);
const mpType = `multipart/form-data; boundary=${B}`;
const file = (name: string, data: Buffer | string, type = 'image/png') => ({ name, filename: `${name}.png`, type, data });
add('multipart two valid PNGs', post(IMG, mpType, mp([file('a', png), file('b', png)])), 200);
add('multipart without boundary parameter', post(IMG, 'multipart/form-data', mp([file('a', png)])), 400, /boundary/);
add('multipart with an empty boundary', post(IMG, 'multipart/form-data; boundary=', mp([file('a', png)])), 400, /boundary/);
add('multipart boundary of 200 characters', post(IMG, `multipart/form-data; boundary=${'b'.repeat(200)}`, mp([file('a', png)])), 400, /boundary/);
add('multipart boundary not in the body', post(IMG, 'multipart/form-data; boundary=other', mp([file('a', png)])), 400);
add('multipart unterminated body', post(IMG, mpType, mp([file('a', png)], false)), 400, /multipart/);
add('multipart cut in the middle of a part', post(IMG, mpType, mp([file('a', png)]).subarray(0, 100)), 400, /multipart/);
add('multipart garbage body', post(IMG, mpType, 'garbage'), 400);
add('multipart with no file part', post(IMG, mpType, mp([{ name: 'x', data: '1' }])), 400, /no file part/);
add('multipart SVG declared image/png', post(IMG, mpType, mp([file('a', svg)])), 415, /file 'a' is neither/);
add('multipart text file', post(IMG, mpType, mp([file('a', 'hello', 'text/plain')])), 415, /neither/);
add('multipart PNG declared image/jpeg', post(IMG, mpType, mp([file('a', png, 'image/jpeg')])), 415, /declared image\/jpeg/);
add(`multipart ${MAX_ROWS + 1} files`, post(IMG, mpType, mp(Array.from({ length: MAX_ROWS + 1 }, (_, i) => file(`f${i}`, png)))), 413);
add('multipart 5 text fields', post(IMG, mpType, mp([...Array.from({ length: 5 }, (_, i) => ({ name: `x${i}`, data: '1' })), file('a', png)])), 413);
add('multipart file over the limit (Content-Length)', post(IMG, mpType, mp([file('a', Buffer.concat([png, Buffer.alloc(LIMIT)]))])), 413);
add('multipart to the tabular model', post(TAB, mpType, mp([file('a', png)])), 415);
// chunked: no Content-Length, so the total is counted while the parts stream in
const chunked = (body: Buffer) => () => {
  const head = `POST ${IMG} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: ${mpType}\r\ntransfer-encoding: chunked\r\n\r\n`;
  return raw(port, [head, `${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n']);
};
add('chunked multipart of 12 files over the total limit', chunked(mp(Array.from({ length: 12 }, (_, i) => file(`f${i}`, Buffer.concat([png, Buffer.alloc(LIMIT / 10)]))))), 413, /in all/);
add('chunked multipart of 2 valid files', chunked(mp([file('a', png), file('b', png)])), 200);

// --- content types, routes, methods
for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/json-patch+json', 'image/svg+xml', 'image/gif', 'video/mp4']) {
  add(`content-type ${type}`, post(TAB, type, '1'), 415);
}
add('no content-type with a body', post(TAB, undefined, '1,2,3'), 415);
add('unknown model', post('/v1/models/nope/score', 'application/json', json1()), 404, /no model named 'nope'/);
add('path traversal in the model name', post('/v1/models/..%2F..%2Fetc%2Fpasswd/score', 'application/json', json1()), 404, /no model named/);
add('model name of 300 characters', post(`/v1/models/${'a'.repeat(300)}/score`, 'application/json', json1()), 414);
add('GET on the score route', () => raw(port, [request('GET', IMG, {})]), 404);
add('DELETE a model', () => raw(port, [request('DELETE', '/v1/models/img', {})]), 404);
add('unknown route', () => raw(port, [request('GET', '/admin', {})]), 404);
add('query errorMaps on a tabular JSON body', post(`${TAB}?errorMaps=1`, 'application/json', json1()), 200);

// --- the HTTP protocol itself
add('Content-Length larger than the body', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"instances":`], { deadlineMs: REQUEST_TIMEOUT + 3000 }), 408);
add('headers never finished', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\n`], { deadlineMs: REQUEST_TIMEOUT + 3000 }), 408);
add('a body sent one byte every 100 ms', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n`, ...'{"instances":[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}'.split('')], { gapMs: 100, deadlineMs: REQUEST_TIMEOUT + 3000 }), 408);
add('headers of 40 KiB', () => raw(port, [request('GET', '/healthz', { 'x-big': 'a'.repeat(40 * 1024) })]), 431);
add('Content-Length and Transfer-Encoding together', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n1\r\n1\r\n0\r\n\r\n`]), 400);
add('bad chunk size', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n1\r\n0\r\n\r\n`]), 400);
add('two different Content-Lengths', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ncontent-length: 3\r\ncontent-length: 5\r\n\r\n1,2`]), 400);
add('negative Content-Length', () => raw(port, [`POST ${TAB} HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ncontent-length: -5\r\n\r\n`]), 400);
add('garbage request line', () => raw(port, ['\x16\x03\x01\x02\x00 hello\r\n\r\n']), 400);
add('a header with a control character', () => raw(port, [`GET /healthz HTTP/1.1\r\nhost: x\r\nx-a: a\x01b\r\n\r\n`]), 400);
add('HTTP/1.1 without Host', () => raw(port, [`GET /healthz HTTP/1.1\r\n\r\n`]), 400);

for (const c of cases) {
  test(`${c.name} -> ${c.status}`, async () => {
    const r = await c.send();
    assert.equal(r.status, c.status, `${c.name}: got ${r.status} ${r.body.slice(0, 300)}`);
    if (c.status >= 400 && r.body.startsWith('{')) {
      // the server's own answers are one-line JSON errors (node's own 400s on broken HTTP have no body)
      const err = (JSON.parse(r.body) as { error: string }).error;
      assert.equal(err.split('\n').length, 1);
      if (c.msg) assert.match(err, c.msg);
      if (c.status === 413 || c.status === 415 || c.status === 400) assert.doesNotMatch(err, /internal error/);
    }
    await stillServes();
  });
}

test('500 slow connections sending a byte at a time do not hold the server, and are closed by it', async () => {
  // its own server with a 5 s request timeout: a valid request must be answered while the slow ones are
  // still open (they do not hold the server), and then every slow one must be cut by the server
  const timeout = 5000;
  const s = await start({ requestTimeoutMs: timeout, headersTimeoutMs: 2000 }, [servedModel('img', await loadDetector(tiny.dir))]);
  try {
    const head = `POST ${IMG} HTTP/1.1\r\nhost: x\r\ncontent-type: image/png\r\ncontent-length: 10000\r\n\r\n`;
    const t0 = performance.now();
    const slow = Array.from({ length: 500 }, () => raw(s.port, [head, ...'1234567890123'.split('')], { gapMs: 500, deadlineMs: timeout + 15_000 }));
    await new Promise((r) => setTimeout(r, 300));
    const r = await valid(s.port);
    const answeredAt = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(Math.abs(r.scores[0] - pngScore) < 1e-6);
    const answers = await Promise.all(slow);
    const firstCut = Math.min(...answers.map((a) => a.ms));
    assert.ok(answeredAt < firstCut, `the valid request was answered after ${answeredAt.toFixed(0)} ms, when the slow ones were already being cut (${firstCut.toFixed(0)} ms)`);
    const open = answers.filter((a) => !a.closed);
    assert.equal(open.length, 0, `slow connections still open after the request timeout, answers: ${[...new Set(open.map((a) => a.status))].join(', ')}`);
    assert.ok(answers.every((a) => a.status === 408 || a.status === 0));
    assert.equal((await valid(s.port)).status, 200);
  } finally {
    await s.app.close();
  }
});

test('a full queue answers 503 with Retry-After, and frees its slots when clients go away', async () => {
  const s = await start({ maxQueue: 4 }, [servedModel('img', await loadDetector(tiny.dir))]);
  try {
    // four requests admitted (headers read), their bodies never finished
    const head = `POST ${IMG} HTTP/1.1\r\nhost: x\r\ncontent-type: image/png\r\ncontent-length: ${png.length}\r\n\r\n`;
    const holders = Array.from({ length: 4 }, () => raw(s.port, [head, png.subarray(0, 10)], { deadlineMs: 800 }));
    await new Promise((r) => setTimeout(r, 300));
    const busy = await raw(s.port, [request('POST', IMG, { 'content-type': 'image/png' }, png)]);
    assert.equal(busy.status, 503);
    assert.match(busy.headers, /retry-after: 1/i);
    assert.match(busy.body, /busy/);
    await Promise.all(holders); // the clients give up (sockets destroyed)
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await valid(s.port)).status, 200);
  } finally {
    await s.app.close();
  }
});

test('clients that leave after sending their whole body free their queue slots (they once held them for good)', async () => {
  // a long batch wait keeps each request in the server while its client hangs up
  const s = await start({ maxQueue: 4, maxWaitMs: 300 }, [servedModel('img', await loadDetector(tiny.dir))]);
  try {
    for (let round = 0; round < 3; round++) {
      const gone = await Promise.all(Array.from({ length: 4 }, () => raw(s.port, [request('POST', IMG, { 'content-type': 'image/png' }, png)], { deadlineMs: 50 })));
      assert.ok(gone.every((r) => !r.closed && r.status === 0), 'the clients left before their answer');
      await new Promise((r) => setTimeout(r, 500)); // their batch ran; the answers went to closed sockets
    }
    const r = await valid(s.port);
    assert.equal(r.status, 200);
  } finally {
    await s.app.close();
  }
});

test('bearer token: /healthz open, everything else needs it', async () => {
  const token = 'a-long-enough-test-token-123';
  const s = await start({ token }, [servedModel('img', await loadDetector(tiny.dir))]);
  const get = (path: string, auth?: string) => fetch(`http://127.0.0.1:${s.port}${path}`, { headers: auth ? { authorization: auth } : {} });
  const score = (auth?: string) => fetch(`http://127.0.0.1:${s.port}${IMG}`, { method: 'POST', body: new Uint8Array(png), headers: { 'content-type': 'image/png', ...(auth ? { authorization: auth } : {}) } });
  try {
    assert.equal((await get('/healthz')).status, 200);
    for (const auth of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${Buffer.from('u:' + token).toString('base64')}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, 'Bearer', `Bearer  ${token} extra`]) {
      for (const path of ['/metrics', '/v1/models', '/v1/models/img']) {
        const r = await get(path, auth);
        assert.equal(r.status, 401, `${path} with ${auth}`);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      assert.equal((await score(auth)).status, 401);
    }
    assert.equal((await get('/metrics', `Bearer ${token}`)).status, 200);
    assert.equal((await get('/v1/models', `bearer ${token}`)).status, 200);
    assert.equal((await score(`Bearer ${token}`)).status, 200);
  } finally {
    await s.app.close();
  }
});

test('no tfjs tensor leaked over all the hostile requests', () => {
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.ok(cases.length >= 100, `${cases.length} cases`);
});
