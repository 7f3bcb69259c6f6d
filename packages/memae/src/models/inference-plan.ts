// Inference with batch norm folded into the convolutions (issue 18): a conv / transposed conv followed by batch
// norm (tf.layers' BatchNormalization or memae's BatchNorm, moving statistics) and optionally LeakyReLU becomes one
// convolution with scaled filters and a new bias, s = gamma / sqrt(var + eps), w' = w * s (per output channel),
// b' = (b - mean) * s + beta, with the activation fused where tfjs has a fused op (2D convolutions). Every other
// layer runs as it is (`layer.apply`). Outputs equal `model.apply(x, {training: false})` to float32 rounding.
// A plan holds the folded weights of one set of weights. `cachedInferencePlan(model)` (what scoreModel uses) keeps one
// plan per model and builds it again only when the weights changed (see WeightsKey); `model.dispose()` releases it.
// On tfjs-backend-libtorch the plan's forward is also recorded per input shape and replayed in one native call
// (LibtorchBackend.record, native/replay.cc); MEMAE_REPLAY=0 turns that off (the op-by-op path, for A/B).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { NativePlan } from 'tfjs-backend-libtorch';

type Layer = tfl.layers.Layer;
type Sym = tfl.SymbolicTensor;
type Conv = 'Conv2D' | 'Conv3D' | 'Conv2DTranspose' | 'Conv3DTranspose';
const CONVS = new Set<string>(['Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose']);
const BNS = new Set<string>(['BatchNormalization', 'MemAEBatchNorm']);

interface Folded {
  kind: Conv;
  /** the conv layer's config: strides, padding, dilation, kernel size */
  cfg: tf.serialization.ConfigDict;
  filter: tf.Tensor;
  bias: tf.Tensor;
  /** LeakyReLU slope, or undefined for none */
  alpha?: number;
}

export interface Step {
  layer: Layer;
  inputs: number[];
  outputs: number[];
  folded?: Folded;
}

export interface InferencePlan {
  readonly steps: Step[];
  readonly input: number;
  readonly outputs: number[];
  /** the folded filters and biases (disposeInferencePlan releases them) */
  readonly held: tf.Tensor[];
  /** per input dtype and shape: the recorded native plan, or why the forward could not be recorded */
  readonly native: Map<string, NativePlan | string>;
}

/** A backend that records a forward and replays it natively (tfjs-backend-libtorch). */
interface Recorder {
  record(x: tf.Tensor, forward: (x: tf.Tensor) => tf.Tensor[]): { outputs: tf.Tensor[]; plan: NativePlan | string };
}

/** Native replay is on unless MEMAE_REPLAY=0 (read at each call). */
export const replayEnabled = (): boolean => process.env.MEMAE_REPLAY !== '0';

function recorder(): Recorder | null {
  const b = tf.backend() as unknown as Partial<Recorder>;
  return replayEnabled() && typeof b.record === 'function' ? (b as Recorder) : null;
}

/** Recordings kept per plan, per tail and input shape (a service sees a few batch sizes; the oldest goes first). */
const MAX_SHAPES = 16;

/**
 * Work on the model's outputs recorded into the same native plan as the forward (scoreModel's error map and score):
 * `fn(x, outputs)` returns the tensors wanted instead of the outputs. `key` names what fn computes: recordings are kept
 * per key and input shape, so fn must depend on nothing but its arguments and what key names (values it takes from
 * JS are frozen into the recording).
 */
export interface PlanTail {
  key: string;
  fn: (x: tf.Tensor, outputs: tf.Tensor[]) => tf.Tensor[];
}

const idsOf = (s: Sym | Sym[]): number[] => (Array.isArray(s) ? s : [s]).map((t) => t.id);
const className = (l: Layer) => l.getClassName();

/** The model's layers with one call each (a layer reused in the graph: no plan). */
function nodes(model: tfl.LayersModel): { layer: Layer; inputs: number[]; outputs: number[] }[] | null {
  const out: { layer: Layer; inputs: number[]; outputs: number[] }[] = [];
  for (const layer of model.layers) {
    if (className(layer) === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) return null;
    const node = layer.inboundNodes[0];
    out.push({ layer, inputs: idsOf(node.inputTensors), outputs: idsOf(node.outputTensors) });
  }
  return out;
}

/** Per-channel scale and shift of a batch norm layer at inference, or null if its axis is not the last one.
 *  Computed in JS on the (small) weight values: a dozen tfjs ops per layer cost ~1 ms each on first use in a fresh
 *  process, most of a first scoring call's plan building (docs/engine.md "Batch-1 scoring"). */
function bnAffine(bn: Layer): { scale: Float32Array; shift: Float32Array } | null {
  const c = bn.getConfig();
  const w = bn.getWeights();
  let gamma: tf.Tensor | undefined, beta: tf.Tensor | undefined, mean: tf.Tensor, variance: tf.Tensor;
  if (className(bn) === 'MemAEBatchNorm') {
    [gamma, beta, mean, variance] = w;
  } else {
    const axis = c.axis as number;
    const rank = (bn.inboundNodes[0].inputTensors[0] as Sym).rank;
    if (axis !== -1 && axis !== rank - 1) return null;
    let i = 0;
    if (c.scale !== false) gamma = w[i++];
    if (c.center !== false) beta = w[i++];
    [mean, variance] = [w[i], w[i + 1]];
  }
  const eps = Number(c.epsilon);
  const [m, v] = [mean.dataSync(), variance.dataSync()];
  const [g, b] = [gamma?.dataSync(), beta?.dataSync()];
  // float32 at each step, as the tfjs ops (rsqrt(var + eps) * gamma, beta - mean * scale) computed it
  const f = Math.fround;
  const scale = new Float32Array(m.length), shift = new Float32Array(m.length);
  for (let k = 0; k < m.length; k++) {
    scale[k] = f(1 / Math.sqrt(f(v[k] + eps)));
    if (g) scale[k] = f(scale[k] * g[k]);
    shift[k] = f(-f(m[k] * scale[k]));
    if (b) shift[k] = f(shift[k] + b[k]);
  }
  return { scale, shift };
}

/** A conv kernel with each output channel scaled (the last axis of a conv kernel, the second to last of a transposed
 *  one, whose layout is [k..., out, in]; one tfjs multiply: the kernel can hold millions of values, too many for a
 *  cold JS loop), and the bias folded in JS: b' = b * scale + shift. */
function foldConv(kernel: tf.Tensor, bias: tf.Tensor | undefined, transposed: boolean, a: { scale: Float32Array; shift: Float32Array }): { filter: tf.Tensor; bias: tf.Tensor } {
  const out = a.scale.length;
  const scale = tf.tensor(a.scale, kernel.shape.map((_, i) => (i === kernel.rank - (transposed ? 2 : 1) ? out : 1)), 'float32');
  const filter = tf.mul(kernel, scale);
  scale.dispose();
  const b = new Float32Array(out);
  const bv = bias?.dataSync();
  for (let c = 0; c < out; c++) b[c] = bv ? Math.fround(Math.fround(bv[c] * a.scale[c]) + a.shift[c]) : a.shift[c];
  return { filter, bias: tf.tensor(b, [out], 'float32') };
}

/**
 * The model's inference plan with batch norm folded into the convolutions, or null when nothing can be folded
 * (no conv + batch norm pair, a layer called twice, several inputs): then use `model.apply`. With `unfolded`, a
 * model with nothing to fold (but one call per layer and one input) gets a plan of its layers as they are (worth
 * it for the native replay).
 */
export function buildInferencePlan(model: tfl.LayersModel, opts: { unfolded?: boolean } = {}): InferencePlan | null {
  if (model.inputs.length !== 1) return null;
  const list = nodes(model);
  if (!list) return null;
  // who reads each symbolic tensor (model outputs count as readers)
  const readers = new Map<number, number>();
  for (const n of list) for (const id of n.inputs) readers.set(id, (readers.get(id) ?? 0) + 1);
  for (const id of idsOf(model.outputs)) readers.set(id, (readers.get(id) ?? 0) + 1);
  const byInput = new Map<number, (typeof list)[number]>();
  for (const n of list) if (n.inputs.length === 1) byInput.set(n.inputs[0], n);
  const only = (id: number) => (readers.get(id) === 1 ? byInput.get(id) : undefined);

  const steps: Step[] = [];
  const held: tf.Tensor[] = [];
  const skip = new Set<Layer>();
  for (const n of list) {
    if (skip.has(n.layer)) continue;
    const cfg = n.layer.getConfig();
    const bn = CONVS.has(className(n.layer)) && cfg.activation === 'linear' && (cfg.dataFormat ?? 'channelsLast') === 'channelsLast'
      ? only(n.outputs[0]) : undefined;
    const affine = bn && BNS.has(className(bn.layer)) ? bnAffine(bn.layer) : null;
    if (!bn || !affine) {
      steps.push({ layer: n.layer, inputs: n.inputs, outputs: n.outputs });
      continue;
    }
    const act = only(bn.outputs[0]);
    const alpha = act && className(act.layer) === 'LeakyReLU' ? Number(act.layer.getConfig().alpha) : undefined;
    const kind = className(n.layer) as Conv;
    const [kernel, bias] = n.layer.getWeights();
    const transposed = kind.endsWith('Transpose');
    const folded = foldConv(kernel, bias, transposed, affine);
    held.push(folded.filter, folded.bias);
    skip.add(bn.layer);
    if (alpha !== undefined) skip.add(act!.layer);
    const last = alpha !== undefined ? act! : bn;
    steps.push({ layer: n.layer, inputs: n.inputs, outputs: last.outputs, folded: { kind, cfg, ...folded, alpha } });
  }
  if (held.length === 0 && !opts.unfolded) return null;
  return { steps, input: model.inputs[0].id, outputs: idsOf(model.outputs), held, native: new Map() };
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [Number(v), Number(v)]);
const triple = (v: unknown): [number, number, number] => (Array.isArray(v) ? [v[0], v[1], v[2]] : [Number(v), Number(v), Number(v)]);

/** tf.layers' output length of a transposed convolution (deconvLength). */
const deconv = (size: number, stride: number, kernel: number, padding: string) =>
  padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride;

/** tfjs-backend-libtorch's transposed convolution with bias and activation as one kernel (LibtorchBackend). */
interface FusedTranspose {
  convTransposeBiasAct(x: tf.Tensor, filter: tf.Tensor, outShape: number[], strides: number[], pad: 'same' | 'valid', bias: tf.Tensor,
    activation: 'linear' | 'leakyrelu', alpha?: number): tf.Tensor;
}

function fusedTranspose(): FusedTranspose | null {
  const b = tf.backend() as unknown as Partial<FusedTranspose>;
  return typeof b.convTransposeBiasAct === 'function' ? (b as FusedTranspose) : null;
}

/** tfjs-backend-libtorch's 3D convolution with bias and activation as one kernel (tfjs has no fused conv3d). */
interface Fused3d {
  conv3dBiasAct(x: tf.Tensor, filter: tf.Tensor, strides: number[], pad: 'same' | 'valid', dilations: number[], bias: tf.Tensor,
    activation: 'linear' | 'leakyrelu', alpha?: number): tf.Tensor;
}

function fused3d(): Fused3d | null {
  const b = tf.backend() as unknown as Partial<Fused3d>;
  return typeof b.conv3dBiasAct === 'function' ? (b as Fused3d) : null;
}

function runFolded(f: Folded, x: tf.Tensor): tf.Tensor {
  const padding = f.cfg.padding as 'same' | 'valid';
  if (f.kind === 'Conv2D') {
    return tf.fused.conv2d({
      x: x as tf.Tensor4D, filter: f.filter as tf.Tensor4D, strides: pair(f.cfg.strides), pad: padding, dilations: pair(f.cfg.dilationRate),
      bias: f.bias, activation: f.alpha === undefined ? 'linear' : 'leakyrelu', leakyreluAlpha: f.alpha,
    });
  }
  let y: tf.Tensor;
  const d = x.shape as number[];
  const out = f.filter.shape[f.filter.rank - 2];
  // transposed: on tfjs-backend-libtorch one kernel for the convolution, the bias and the activation
  const fused = f.kind !== 'Conv3D' && x.dtype === 'float32' ? fusedTranspose() : null;
  if (f.kind === 'Conv3D') {
    const one = x.dtype === 'float32' ? fused3d() : null;
    if (one) return one.conv3dBiasAct(x, f.filter, triple(f.cfg.strides), padding, triple(f.cfg.dilationRate), f.bias, f.alpha === undefined ? 'linear' : 'leakyrelu', f.alpha);
    y = tf.conv3d(x as tf.Tensor5D, f.filter as tf.Tensor5D, triple(f.cfg.strides), padding, 'NDHWC', triple(f.cfg.dilationRate));
  } else if (f.kind === 'Conv2DTranspose') {
    const [s, k] = [pair(f.cfg.strides), pair(f.cfg.kernelSize)];
    const shape: [number, number, number, number] = [d[0], deconv(d[1], s[0], k[0], padding), deconv(d[2], s[1], k[1], padding), out];
    if (fused) return fused.convTransposeBiasAct(x, f.filter, shape, s, padding, f.bias, f.alpha === undefined ? 'linear' : 'leakyrelu', f.alpha);
    y = tf.conv2dTranspose(x as tf.Tensor4D, f.filter as tf.Tensor4D, shape, s, padding);
  } else {
    const [s, k] = [triple(f.cfg.strides), triple(f.cfg.kernelSize)];
    const shape: [number, number, number, number, number] = [d[0], deconv(d[1], s[0], k[0], padding), deconv(d[2], s[1], k[1], padding), deconv(d[3], s[2], k[2], padding), out];
    if (fused) return fused.convTransposeBiasAct(x, f.filter, shape, s, padding, f.bias, f.alpha === undefined ? 'linear' : 'leakyrelu', f.alpha);
    y = tf.conv3dTranspose(x as tf.Tensor5D, f.filter as tf.Tensor5D, shape, s, padding);
  }
  y = tf.add(y, f.bias);
  return f.alpha === undefined ? y : tf.leakyRelu(y, f.alpha);
}

/**
 * The model's outputs for `x` at inference (`model.apply(x, {training: false})` as an array), through the plan
 * when there is one; with a tail, `tail.fn(x, outputs)` instead, recorded and replayed with the forward. Call inside
 * tf.tidy (intermediates are not disposed here).
 */
export function inferenceOutputs(model: tfl.LayersModel, p: InferencePlan | null, x: tf.Tensor, tail?: PlanTail): tf.Tensor[] {
  const finish = (input: tf.Tensor, outputs: tf.Tensor[]) => (tail ? tail.fn(input, outputs) : outputs);
  if (!p) {
    const o = model.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
    return finish(x, Array.isArray(o) ? o : [o]);
  }
  const rec = recorder();
  if (!rec) return finish(x, opByOp(p, x));
  const key = recordingKey(tail, x.dtype, x.shape);
  const hit = p.native.get(key);
  if (hit === undefined) {
    // the first batch of a shape runs op by op while the backend records it
    const { outputs, plan } = rec.record(x, (input) => finish(input, opByOp(p, input)));
    if (p.native.size >= MAX_SHAPES) {
      const [oldest, old] = p.native.entries().next().value as [string, NativePlan | string];
      if (typeof old !== 'string') old.free();
      p.native.delete(oldest);
    }
    p.native.set(key, plan);
    return outputs;
  }
  return typeof hit === 'string' ? finish(x, opByOp(p, x)) : hit.run(x);
}

/** What a native recording is kept under in InferencePlan.native: the tail's key, the input's dtype and shape. */
const recordingKey = (tail: PlanTail | undefined, dtype: tf.DataType, shape: readonly number[]): string =>
  `${tail ? `${tail.key}|` : ''}${dtype}:${shape.join('x')}`;

/**
 * inferenceOutputs' values for a float32 input given as values of shape `shape`, without tfjs tensors: when this tail
 * and shape were recorded already, the native plan writes, replays and reads back in one go (NativePlan.runValues:
 * no tensors to wrap, track, read asynchronously and dispose; what a batch-1 scoring call spends most of its time on
 * beyond the replay). Null otherwise (the first batch of a shape, replay off, another backend, a forward that could
 * not be recorded): then use inferenceOutputs, which also records.
 */
export function inferenceValues(p: InferencePlan | null, values: Float32Array, shape: readonly number[], tail?: PlanTail): Float32Array[] | null {
  if (!p || p.native.size === 0 || !recorder()) return null;
  const hit = p.native.get(recordingKey(tail, 'float32', shape));
  return hit === undefined || typeof hit === 'string' ? null : (hit.runValues(values) as Float32Array[]);
}

/** The tail's outputs for a float32 batch given as values: the native replay when this shape was recorded, else
 *  through tfjs (recording it), read back and freed. What every scoring loop runs per batch. */
export async function planOutputValues(model: tfl.LayersModel, values: Float32Array, shape: readonly number[], tail: PlanTail): Promise<Float32Array[]> {
  // looked up per batch: weights changed by a concurrent task between batches are seen, as model.apply would
  const plan = cachedInferencePlan(model);
  const outs = inferenceValues(plan, values, shape, tail);
  if (outs) return outs;
  const ts = tf.tidy(() => inferenceOutputs(model, plan, tf.tensor(values, [...shape]), tail));
  try {
    return await Promise.all(ts.map(async (t) => await t.data() as Float32Array));
  } finally {
    tf.dispose(ts);
  }
}

/** The plan's forward, one tfjs op (or layer) at a time. */
function opByOp(p: InferencePlan, x: tf.Tensor): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>([[p.input, x]]);
  for (const s of p.steps) {
    const ins = s.inputs.map((id) => values.get(id)!);
    if (s.folded) {
      values.set(s.outputs[0], runFolded(s.folded, ins[0]));
      continue;
    }
    const out = s.layer.apply(ins.length === 1 ? ins[0] : ins, { training: false }) as tf.Tensor | tf.Tensor[];
    (Array.isArray(out) ? out : [out]).forEach((t, i) => values.set(s.outputs[i], t));
  }
  return p.outputs.map((id) => values.get(id)!);
}

export function disposeInferencePlan(p: InferencePlan | null): void {
  if (!p) return;
  tf.dispose(p.held);
  p.native.forEach((n) => typeof n !== 'string' && n.free());
  p.native.clear();
}

/**
 * What the folded weights were computed from: every weight's dataId (assign, setWeights, loading and tfjs' own
 * optimizers give a variable new data), the backend, and its count of in-place writes (tfjs-backend-libtorch's
 * fused Adam and distributed broadcast / allreduce write into a variable's data, keeping its dataId).
 */
interface WeightsKey { backend: string; inPlaceWrites: number; dataIds: object[] }

function weightsKey(vars: tfl.LayerVariable[]): WeightsKey {
  const b = tf.backend() as unknown as { inPlaceWrites?: number };
  return { backend: tf.getBackend(), inPlaceWrites: b.inPlaceWrites ?? 0, dataIds: vars.map((w) => w.read().dataId) };
}

const sameKey = (a: WeightsKey, b: WeightsKey): boolean =>
  a.backend === b.backend && a.inPlaceWrites === b.inPlaceWrites && a.dataIds.length === b.dataIds.length && a.dataIds.every((d, i) => d === b.dataIds[i]);

/** Per model: the key its plan was built for, the plan, and the model's weight variables (`model.weights` assembles its
 *  list anew on every read, ~10 us for the reference model: a tenth of a batch-1 scoring call; a built model's
 *  variables stay the same objects, and the list is read again when the model's layer count changes). */
interface Cached { key: WeightsKey; plan: InferencePlan | null; vars: tfl.LayerVariable[]; layers: number }
const cache = new WeakMap<tfl.LayersModel, Cached>();

/**
 * The model's inference plan, built on first use and reused until the model's weights change (further training,
 * setWeights, a distributed broadcast), then built again; `model.dispose()` (and `releaseInferencePlan`) free its
 * tensors. Batch-1 requests of the service thus fold batch norm once per model, not once per request.
 */
export function cachedInferencePlan(model: tfl.LayersModel): InferencePlan | null {
  const hit = cache.get(model);
  const vars = hit && hit.layers === model.layers.length ? hit.vars : model.weights;
  const key = weightsKey(vars);
  if (hit && sameKey(hit.key, key)) return hit.plan;
  if (hit) disposeInferencePlan(hit.plan);
  else {
    // the plan's tensors go with the model
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      releaseInferencePlan(model);
      return dispose();
    };
  }
  const plan = buildInferencePlan(model, { unfolded: recorder() !== null });
  // kept: a caller's tf.tidy must not free the cached tensors
  plan?.held.forEach((t) => tf.keep(t));
  const fresh = model.weights;
  cache.set(model, { key: weightsKey(fresh), plan, vars: fresh, layers: model.layers.length });
  return plan;
}

/** Frees the model's cached plan, if any (the next `cachedInferencePlan` builds it again). */
export function releaseInferencePlan(model: tfl.LayersModel): void {
  const hit = cache.get(model);
  if (!hit) return;
  disposeInferencePlan(hit.plan);
  cache.set(model, { key: { backend: '', inPlaceWrites: -1, dataIds: [] }, plan: null, vars: [], layers: -1 });
}

/** Tensors the model's cached plan holds (0 when none): for tensor-count checks. */
export const inferencePlanTensors = (model: tfl.LayersModel): number => cache.get(model)?.plan?.held.length ?? 0;
