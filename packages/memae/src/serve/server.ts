// The HTTP scoring service (fastify): POST /v1/models/{name}/score, GET /v1/models, /healthz, /metrics.
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MicroBatcher } from './batcher.js';
import { decodeCsv, decodeImages, decodeJson, RequestError, type Inputs } from './decode.js';
import { ServiceMetrics } from './prometheus.js';
import { MODEL_NAME, type ServedModel } from './served-model.js';
import { registerVideoRoute } from './video-route.js';

export interface ServerOptions {
  models: ServedModel[];
  /** largest micro-batch in samples */
  maxBatch?: number;
  /** longest wait of a request for others to batch with */
  maxWaitMs?: number;
  /** largest request body in bytes */
  bodyLimit?: number;
  /** largest video upload in bytes (POST .../score-video; default 256 MiB) */
  videoBodyLimit?: number;
  /** most samples in one request */
  maxSamplesPerRequest?: number;
  /** live tfjs tensors and bytes, for /metrics */
  tensorStats?: () => { numTensors: number; numBytes: number };
  logger?: boolean;
}

interface Entry {
  model: ServedModel;
  batcher: MicroBatcher;
}

const truthy = (v: unknown) => v === '1' || v === 'true' || v === '';

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? 8 * 1024 * 1024;
  const maxRows = opts.maxSamplesPerRequest ?? 1024;
  const metrics = new ServiceMetrics(opts.tensorStats);
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit, return503OnClosing: true });
  const entries = new Map<string, Entry>();
  for (const model of opts.models) {
    if (!MODEL_NAME.test(model.name)) throw new Error(`model name '${model.name}' is not allowed (letters, digits, . _ -)`);
    if (entries.has(model.name)) throw new Error(`two models are named '${model.name}'`);
    const mapSize = model.mapShape.reduce((a, b) => a * b, 1);
    const size = model.inputShape.reduce((a, b) => a * b, 1);
    const batcher = new MicroBatcher(model.run, size, mapSize, opts.maxBatch ?? 64, opts.maxWaitMs ?? 2, (n, reqs, secs) => {
      metrics.batchSamples.observe({ model: model.name }, n);
      metrics.batchRequests.observe({ model: model.name }, reqs);
      metrics.batchSeconds.observe({ model: model.name }, secs);
      metrics.samples.inc({ model: model.name }, n);
    });
    entries.set(model.name, { model, batcher });
  }

  await app.register(multipart, { limits: { fileSize: bodyLimit, files: maxRows, fields: 4, parts: maxRows + 4 } });
  for (const type of ['image/png', 'image/jpeg', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  }
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof RequestError ? err.status : err.statusCode && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  const describe = (m: ServedModel) => ({ name: m.name, kind: m.kind, variant: m.variant, inputShape: m.inputShape, threshold: m.threshold, errorMapShape: m.mapShape });
  const lookup = (name: string): Entry => {
    const e = MODEL_NAME.test(name) ? entries.get(name) : undefined;
    if (!e) throw new RequestError(404, `no model named '${name.slice(0, 64)}'; GET /v1/models lists them`);
    return e;
  };

  app.get('/healthz', async () => ({ status: 'ok', models: entries.size }));
  app.get('/v1/models', async () => ({ models: [...entries.values()].map((e) => describe(e.model)) }));
  app.get<{ Params: { name: string } }>('/v1/models/:name', async (req) => describe(lookup(req.params.name).model));
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  async function readInputs(req: FastifyRequest, m: ServedModel): Promise<Inputs & { errorMaps: boolean }> {
    const q = req.query as Record<string, unknown>;
    const mapsAsked = truthy(q.errorMaps);
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'multipart/form-data') {
      const bufs: Buffer[] = [];
      for await (const part of req.parts()) {
        if (part.type === 'file') bufs.push(await part.toBuffer());
      }
      if (bufs.length === 0) throw new RequestError(400, 'multipart body has no file part');
      return { ...(await decodeImages(bufs, m.inputShape, m.preprocessing)), errorMaps: mapsAsked };
    }
    if (type === 'image/png' || type === 'image/jpeg' || type === 'application/octet-stream') {
      const body = req.body as Buffer;
      if (!body?.length) throw new RequestError(400, 'empty image body');
      return { ...(await decodeImages([body], m.inputShape, m.preprocessing)), errorMaps: mapsAsked };
    }
    if (type === 'text/csv') return { ...decodeCsv(String(req.body ?? ''), m.inputShape, maxRows, m.preprocessing), errorMaps: mapsAsked };
    if (type === 'application/json') {
      const d = decodeJson(req.body, m.inputShape, maxRows, m.preprocessing);
      return { ...d, errorMaps: d.errorMaps || mapsAsked };
    }
    throw new RequestError(415, `content-type '${type || '(none)'}' not accepted: send image/png, image/jpeg, multipart/form-data, text/csv or application/json`);
  }

  app.post<{ Params: { name: string } }>('/v1/models/:name/score', async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const { model, batcher } = lookup(req.params.name);
    const inp = await readInputs(req, model);
    for (let i = 0; i < inp.x.length; i++) {
      if (!Number.isFinite(inp.x[i])) throw new RequestError(400, `value ${i} is not a finite number`);
    }
    const out = await batcher.submit(inp.x, inp.n, inp.errorMaps);
    const scores = Array.from(out.scores);
    const body: Record<string, unknown> = {
      model: model.name,
      threshold: model.threshold,
      scores,
      labels: model.threshold === null ? null : scores.map((s) => (s > model.threshold! ? 1 : 0)),
    };
    if (inp.errorMaps && out.maps) {
      const size = model.mapShape.reduce((a, b) => a * b, 1);
      body.errorMaps = { shape: model.mapShape, data: Array.from({ length: inp.n }, (_, i) => Array.from(out.maps!.subarray(i * size, (i + 1) * size))) };
    }
    return reply.send(body);
  });

  registerVideoRoute(app, { models: opts.models, maxBytes: opts.videoBodyLimit, maxBatch: opts.maxBatch });

  app.addHook('onClose', async () => {
    for (const e of entries.values()) {
      await e.batcher.drain();
      e.model.dispose();
    }
  });
  return app;
}

/** Closes the server on SIGTERM/SIGINT: stops accepting, finishes in-flight requests, frees the models. */
export function closeOnSignals(app: FastifyInstance, onClosed: () => void): void {
  let closing = false;
  const stop = (sig: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${sig}: closing`);
    app.close().then(onClosed, (e) => {
      process.stderr.write(`memae serve: error while closing: ${(e as Error).message}\n`);
      process.exitCode = 1;
      onClosed();
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
