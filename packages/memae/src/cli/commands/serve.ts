// memae serve: the HTTP scoring service over saved models.
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../errors/user-error.js';
import { loadDetector } from '../../run/detector-port.js';
import { warmUp } from '../../serve/warm-up.js';
import { servedModel } from '../../serve/from-detector.js';
import { noPreprocessingNote } from '../../preprocess/index.js';
import { MODEL_NAME, type ServedModel } from '../../serve/served-model.js';
import { buildServer, closeOnSignals } from '../../serve/server.js';
import { startModelWorker } from '../../serve/worker-models.js';

export interface ServeFlags {
  port: number;
  host: string;
  maxBatch: number;
  maxWaitMs: number;
  bodyLimit: number;
  videoBodyLimit?: number;
  maxQueue?: number;
  requestTimeoutMs?: number;
  maxConnections?: number;
  maxImagePixels?: number;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  quiet?: boolean;
  /** forward passes in a worker thread (--worker) instead of on the event-loop thread */
  worker?: boolean;
  /** false (--no-warm-up): no blank scoring pass per model before listening (serve/warm-up.ts) */
  warmUp?: boolean;
}

/** Reads a small secret or certificate file (regular files only, at most 64 KiB) or fails naming it. */
function readSmall(file: string, what: string): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new UserError(`${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isFile()) throw new UserError(`${what} ${file}: not a regular file`);
  if (st.size > 64 * 1024) throw new UserError(`${what} ${file}: ${st.size} bytes, at most 65536`);
  return readFileSync(file);
}

/** The bearer token: --token-file, else MEMAE_SERVE_TOKEN, else none. */
export function serviceToken(flags: Pick<ServeFlags, 'tokenFile'>, env = process.env): string | undefined {
  const t = flags.tokenFile !== undefined ? readSmall(flags.tokenFile, '--token-file').toString('utf8').trim() : env.MEMAE_SERVE_TOKEN?.trim();
  if (t === undefined) return undefined;
  const from = flags.tokenFile !== undefined ? `--token-file ${flags.tokenFile}` : 'MEMAE_SERVE_TOKEN';
  if (t.length < 16) throw new UserError(`${from}: the token has ${t.length} characters, at least 16`);
  if (/\s/.test(t)) throw new UserError(`${from}: the token must not contain white space`);
  return t;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** NAME=DIR or DIR (name = the directory's name; a dir named "model" takes its parent's name). */
export function parseModelArg(arg: string): { name: string; dir: string } {
  const eq = arg.indexOf('=');
  if (eq > 0) return { name: arg.slice(0, eq), dir: arg.slice(eq + 1) };
  const abs = resolve(arg);
  const base = basename(abs);
  return { name: base === 'model' ? basename(resolve(abs, '..')) : base, dir: arg };
}

export async function serve(dirs: string[], flags: ServeFlags): Promise<void> {
  const specs = dirs.map(parseModelArg);
  for (const s of specs) {
    if (!MODEL_NAME.test(s.name)) throw new UserError(`model name '${s.name}': use letters, digits, '.', '_' and '-' (give NAME=DIR)`);
  }
  const dup = specs.find((s, i) => specs.findIndex((t) => t.name === s.name) !== i);
  if (dup) throw new UserError(`two models are named '${dup.name}': give NAME=DIR for one of them`);
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UserError('give both --tls-cert and --tls-key, or neither');
  const tls = flags.tlsCert !== undefined ? { cert: readSmall(flags.tlsCert, '--tls-cert'), key: readSmall(flags.tlsKey!, '--tls-key') } : undefined;
  if (tls) {
    try {
      createSecureContext(tls); // a key that does not match the certificate, or not PEM, fails here
    } catch (e) {
      throw new UserError(`--tls-cert ${flags.tlsCert} / --tls-key ${flags.tlsKey}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const token = serviceToken(flags);
  if (!isLoopback(flags.host) && token === undefined) {
    process.stderr.write(`memae serve: warning: listening on ${flags.host} without a token: anyone who reaches the port can score and read /metrics (see docs/serve.md)\n`);
  }
  let models: ServedModel[] = [];
  let tensorStats = () => tf.memory() as { numTensors: number; numBytes: number };
  if (flags.worker) {
    // the models live in a worker thread: HTTP parsing and decoding overlap with the forward passes; this thread
    // then never touches the libtorch backend (its addon keeps one tensor store per process)
    const w = await startModelWorker(specs, flags.warmUp !== false);
    models = w.models;
    tensorStats = w.tensorStats;
    for (const [i, m] of models.entries()) if (!m.preprocessing) process.stderr.write(noPreprocessingNote(specs[i].dir) + '\n');
  } else {
    for (const s of specs) {
      const det = await loadDetector(s.dir);
      if (flags.warmUp !== false) await warmUp(det);
      if (!det.preprocessing) process.stderr.write(noPreprocessingNote(s.dir) + '\n');
      models.push(servedModel(s.name, det));
    }
  }
  const app = await buildServer({
    models,
    maxBatch: flags.maxBatch,
    maxWaitMs: flags.maxWaitMs,
    bodyLimit: flags.bodyLimit,
    videoBodyLimit: flags.videoBodyLimit,
    maxQueue: flags.maxQueue,
    requestTimeoutMs: flags.requestTimeoutMs,
    maxConnections: flags.maxConnections,
    maxImagePixels: flags.maxImagePixels,
    token,
    tls,
    tensorStats,
    logger: !flags.quiet,
  });
  try {
    await app.listen({ port: flags.port, host: flags.host });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${flags.host}:${flags.port}: ${code}`);
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : flags.port;
  process.stdout.write(`memae serve: listening on ${tls ? 'https' : 'http'}://${flags.host}:${port} with ${models.map((m) => m.name).join(', ')}\n`);
  await new Promise<void>((done) => closeOnSignals(app, done));
  process.stdout.write('memae serve: stopped\n');
}
