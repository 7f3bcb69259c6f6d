// memae serve: the HTTP scoring service over saved models.
import { basename, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../errors/user-error.js';
import { loadDetector } from '../../run/detector-port.js';
import { servedModel } from '../../serve/from-detector.js';
import { noPreprocessingNote } from '../../preprocess/index.js';
import { MODEL_NAME, type ServedModel } from '../../serve/served-model.js';
import { buildServer, closeOnSignals } from '../../serve/server.js';

export interface ServeFlags {
  port: number;
  host: string;
  maxBatch: number;
  maxWaitMs: number;
  bodyLimit: number;
  videoBodyLimit?: number;
  quiet?: boolean;
}

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
  const models: ServedModel[] = [];
  for (const s of specs) {
    const det = await loadDetector(s.dir);
    if (!det.preprocessing) process.stderr.write(noPreprocessingNote(s.dir) + '\n');
    models.push(servedModel(s.name, det));
  }
  const app = await buildServer({
    models,
    maxBatch: flags.maxBatch,
    maxWaitMs: flags.maxWaitMs,
    bodyLimit: flags.bodyLimit,
    videoBodyLimit: flags.videoBodyLimit,
    tensorStats: () => tf.memory(),
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
  process.stdout.write(`memae serve: listening on http://${flags.host}:${port} with ${models.map((m) => m.name).join(', ')}\n`);
  await new Promise<void>((done) => closeOnSignals(app, done));
  process.stdout.write('memae serve: stopped\n');
}
