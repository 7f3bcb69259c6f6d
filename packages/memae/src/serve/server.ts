// The HTTP scoring service (fastify): POST /v1/models/{name}/score, GET /v1/models, /healthz, /metrics.
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import sharp from 'sharp';
import { requireBearer } from './auth.js';
import { MicroBatcher } from './batcher.js';
import { checkBoundary, checkCsvShape, checkImageMagic, checkJsonCount, checkJsonDepth, parseContentType, utf8Text } from './body-guards.js';
import { decodeCsv, decodeJson, RequestError, type Inputs } from './decode.js';
import { MAX_INPUT_MAGNITUDE } from '../score/finite.js';
import { UserError, oneLine } from '../errors/user-error.js';
import { decodeImagesFast } from './png-fast.js';
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
  /** scoring requests in progress at once (reading, decoding, queued, scoring); more get 503 + Retry-After */
  maxQueue?: number;
  /** a request must arrive completely within this time (408 or closed otherwise) */
  requestTimeoutMs?: number;
  /** the request's headers must arrive within this time */
  headersTimeoutMs?: number;
  /** an idle keep-alive connection is closed after this time */
  keepAliveTimeoutMs?: number;
  /** open connections at once; more are refused */
  maxConnections?: number;
  /** when set, every route but /healthz needs `Authorization: Bearer <token>` */
  token?: string;
  /** request images with more pixels than this (read from their header) are refused before decoding (default 4096 x 4096) */
  maxImagePixels?: number;
  /** serve HTTPS with this certificate and key (PEM) */
  tls?: { cert: Buffer; key: Buffer };
}

/** Deepest JSON nesting accepted: {"instances": [[[[v]]]]} for a video clip is 6 levels. */
const MAX_JSON_DEPTH = 32;
/** Longest CSV line per feature (a float printed in full is ~24 characters), plus slack for a header. */
const CSV_CHARS_PER_FEATURE = 48;

interface Entry {
  model: ServedModel;
  batcher: MicroBatcher;
}

const truthy = (v: unknown) => v === '1' || v === 'true' || v === '';

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? 8 * 1024 * 1024;
  const maxRows = opts.maxSamplesPerRequest ?? 1024;
  const metrics = new ServiceMetrics(opts.tensorStats);
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  // how often node looks for requests past their time (its default, 30 s, would let them live that much longer)
  const serverOpts = { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)) };
  const common = {
    logger: opts.logger ?? false, bodyLimit, return503OnClosing: true,
    // idle sockets: a backstop after the request timeout, so a stalled body is answered 408 rather than cut
    requestTimeout, connectionTimeout: 2 * requestTimeout, keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5_000,
  };
  const app = (opts.tls
    ? Fastify({ ...common, https: { ...serverOpts, cert: opts.tls.cert, key: opts.tls.key } })
    : Fastify({ ...common, http: serverOpts })) as unknown as FastifyInstance;
  app.server.maxConnections = opts.maxConnections ?? 1024;
  // decoded images are not reused: libvips' operation cache would only hold memory
  sharp.cache(false);
  if (opts.token !== undefined) requireBearer(app, opts.token);
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

  await app.register(multipart, { limits: { fileSize: bodyLimit, files: maxRows, fields: 4, parts: maxRows + 4, headerPairs: 16 } });
  for (const type of ['image/png', 'image/jpeg', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  }
  // text bodies: UTF-8 only, checked before parsing; JSON depth and sample count bounded before the schema runs
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    try {
      done(null, utf8Text(body as Buffer, req.headers['content-type']));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    try {
      const text = utf8Text(body as Buffer, req.headers['content-type']);
      checkJsonDepth(text, MAX_JSON_DEPTH);
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new RequestError(400, `bad JSON: ${(e as Error).message.slice(0, 200)}`);
      }
      checkJsonCount(v, maxRows);
      done(null, v);
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // the bounded queue: scoring requests are counted from their first byte to their answer (or abort)
  const maxQueue = opts.maxQueue ?? 512;
  const inFlight = new Set<string>();
  const admit = async (req: FastifyRequest, reply: FastifyReply) => {
    const len = Number(req.headers['content-length'] ?? 0);
    if (len > bodyLimit) return reply.code(413).send({ error: `body of ${len} bytes, at most ${bodyLimit}` });
    if (inFlight.size >= maxQueue) return reply.code(503).header('retry-after', '1').send({ error: `busy: ${inFlight.size} requests in progress, retry later` });
    inFlight.add(req.id);
    // the response's 'close' comes once in every case: answered, or the client gone (even after its whole body
    // arrived, when neither onResponse nor onRequestAbort runs: such requests used to hold their slot for good)
    reply.raw.once('close', () => inFlight.delete(req.id));
  };

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.duration.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err instanceof RequestError ? err.status : err instanceof UserError ? 400 : err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error(err);
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : oneLine(err.message) });
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
    const type = parseContentType(req.headers['content-type']).type;
    if (type === 'multipart/form-data') {
      if (m.inputShape.length !== 3) throw new RequestError(415, 'multipart bodies carry images: this model does not take images');
      return { ...(await decodeImagesFast(await readParts(req), m.inputShape, m.preprocessing, opts.maxImagePixels)), errorMaps: mapsAsked };
    }
    if (type === 'image/png' || type === 'image/jpeg' || type === 'application/octet-stream') {
      const body = req.body as Buffer;
      if (!body?.length) throw new RequestError(400, 'empty image body');
      checkImageMagic(body, type, 'the body');
      return { ...(await decodeImagesFast([body], m.inputShape, m.preprocessing, opts.maxImagePixels)), errorMaps: mapsAsked };
    }
    if (type === 'text/csv') {
      const text = String(req.body ?? '');
      if (m.inputShape.length === 1) checkCsvShape(text, maxRows, m.inputShape[0] * CSV_CHARS_PER_FEATURE + 1024);
      return { ...decodeCsv(text, m.inputShape, maxRows, m.preprocessing), errorMaps: mapsAsked };
    }
    if (type === 'application/json') {
      const d = decodeJson(req.body, m.inputShape, maxRows, m.preprocessing);
      return { ...d, errorMaps: d.errorMaps || mapsAsked };
    }
    throw new RequestError(415, `content-type '${type || '(none)'}' not accepted: send image/png, image/jpeg, multipart/form-data, text/csv or application/json`);
  }

  /** The image files of a multipart body, their total size bounded while they stream in. */
  async function readParts(req: FastifyRequest): Promise<Buffer[]> {
    checkBoundary(req.headers['content-type']);
    const bufs: Buffer[] = [];
    let total = 0;
    try {
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        const buf = await part.toBuffer();
        total += buf.length;
        if (total > bodyLimit) throw new RequestError(413, `multipart files of more than ${bodyLimit} bytes in all`);
        checkImageMagic(buf, part.mimetype, `file '${part.fieldname.slice(0, 64)}'`);
        bufs.push(buf);
      }
    } catch (e) {
      if (e instanceof RequestError) throw e;
      const status = (e as { statusCode?: number }).statusCode;
      // busboy's own errors (no boundary in the body, unterminated body, bad part headers) are the client's
      throw new RequestError(status && status >= 400 && status < 500 ? status : 400, `bad multipart body: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
    }
    if (bufs.length === 0) throw new RequestError(400, 'multipart body has no file part');
    return bufs;
  }

  app.post<{ Params: { name: string } }>('/v1/models/:name/score', { onRequest: admit }, async (req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    const { model, batcher } = lookup(req.params.name);
    const inp = await readInputs(req, model);
    // checked per request before batching, with the library's bound (score/finite.ts), so one bad request never fails a batch
    for (let i = 0; i < inp.x.length; i++) {
      if (!(Math.abs(inp.x[i]) <= MAX_INPUT_MAGNITUDE)) throw new RequestError(400, `sample ${Math.floor(i / (inp.x.length / inp.n))}: value ${i % (inp.x.length / inp.n)} is ${inp.x[i].toPrecision(4)} (inputs must be finite numbers of magnitude <= ${MAX_INPUT_MAGNITUDE.toExponential()})`);
    }
    const out = await batcher.submit(inp.x, inp.n, inp.errorMaps);
    // an input far outside the training range can overflow inside the model: never answer a null score
    const bad = out.scores.findIndex((s) => !Number.isFinite(s));
    if (bad >= 0) throw new RequestError(400, `sample ${bad}: its score overflows (not finite): values far outside the range the model was trained on`);
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
