// `memae serve` security flags as a user meets them: HTTPS with --tls-cert/--tls-key, a bearer token from
// --token-file or MEMAE_SERVE_TOKEN, and one-line usage errors for bad files.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tinyModel } from '../ui-helpers/tiny-model.js';
import { BIN } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memae-serve-flags-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
// a throw-away self-signed certificate for 127.0.0.1 (EC key: fast to make)
const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
  '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });

/** Starts `memae serve` and resolves with its port once it listens, or with its exit code and stderr. */
function serve(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  return new Promise<{ port?: number; code?: number | null; err: string; out: () => string; stop: () => Promise<number | null> }>((resolve) => {
    const stop = () => new Promise<number | null>((done) => {
      if (p.exitCode !== null) return done(p.exitCode);
      p.on('exit', (c) => done(c));
      p.kill('SIGTERM');
    });
    p.stdout.on('data', (d) => {
      out += d;
      const m = /listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), err, out: () => out, stop });
    });
    p.on('exit', (code) => resolve({ code, err, out: () => out, stop }));
  });
}

/** An HTTPS request that trusts only our certificate. */
function httpsGet(port: number, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', ca: readFileSync(cert), headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

test('HTTPS with --tls-cert/--tls-key and a token from --token-file', { skip: ssl.status !== 0 && `openssl not usable: ${ssl.stderr}` }, async () => {
  const tiny = await tinyModel();
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'tls-test-token-0123456789\n');
  const s = await serve([`img=${tiny.dir}`, '--tls-cert', cert, '--tls-key', key, '--token-file', tokenFile]);
  assert.ok(s.port, s.err);
  try {
    assert.match(s.out(), /listening on https:/);
    assert.equal((await httpsGet(s.port!, '/healthz')).status, 200);
    assert.equal((await httpsGet(s.port!, '/metrics')).status, 401);
    const png = readFileSync(tiny.pngs.normal);
    const r = await httpsGet(s.port!, '/v1/models/img/score', { authorization: 'Bearer tls-test-token-0123456789', 'content-type': 'image/png' }, png);
    assert.equal(r.status, 200, r.text);
    assert.equal((JSON.parse(r.text) as { scores: number[] }).scores.length, 1);
    // plain HTTP to the HTTPS port gets no scoring
    const plain = await fetch(`http://127.0.0.1:${s.port}/healthz`).then((x) => x.status, () => 0);
    assert.notEqual(plain, 200);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('MEMAE_SERVE_TOKEN protects the service', async () => {
  const tiny = await tinyModel();
  const s = await serve([`img=${tiny.dir}`], { MEMAE_SERVE_TOKEN: 'env-token-abcdefghijklmnop' });
  assert.ok(s.port, s.err);
  try {
    const base = `http://127.0.0.1:${s.port}`;
    assert.equal((await fetch(`${base}/v1/models`)).status, 401);
    assert.equal((await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer env-token-abcdefghijklmnop' } })).status, 200);
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

test('bad security flags are one-line usage errors (exit 2)', async () => {
  const tiny = await tinyModel();
  const short = join(dir, 'short-token');
  writeFileSync(short, 'abc');
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['--token-file', join(dir, 'missing')], /--token-file .*missing: ENOENT/],
    [['--token-file', dir], /not a regular file/],
    [['--token-file', short], /at least 16/],
    [[], /MEMAE_SERVE_TOKEN: the token has 3 characters/, { MEMAE_SERVE_TOKEN: 'abc' }],
    [['--tls-cert', cert], /both --tls-cert and --tls-key/],
    [['--tls-cert', short, '--tls-key', key], /--tls-cert/],
    [['--tls-cert', key, '--tls-key', cert], /--tls-cert/],
  ];
  for (const [args, msg, env] of cases) {
    const r = await serve([`img=${tiny.dir}`, ...args], env);
    if (r.port) await r.stop();
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
});
