// The tfjs KernelBackend: tensor data lives in libtorch (dataId -> native tensor id).
// string and complex64 tensors, which ATen kernels never see here, stay as JS values.
import {
  BackendTimingInfo,
  BackendValues,
  DataId,
  DataStorage,
  DataType,
  KernelBackend,
  Tensor,
  TensorInfo,
  backend_util,
  engine,
} from '@tensorflow/tfjs-core';
import { geometry } from './kernels/geometry.js';
import { Addon, CODE_DTYPE, DTYPE_CODE, NativeDtype } from './native.js';

interface Entry {
  /** native tensor id; 0 when the values are held in JS */
  id: number;
  dtype: DataType;
  shape: number[];
  refCount: number;
  js?: BackendValues;
  /** native views of the tensor under other shapes (tensors that share this dataId after Reshape) */
  views?: Map<string, number>;
}

function sameShape(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export class LibtorchBackend extends KernelBackend {
  readonly data: DataStorage<Entry>;
  /**
   * Bumped by every write into existing tensor data (the fused Adam, distributed collectives): tensors keep
   * their dataId through such a write, so caches of values derived from tensors (memae's inference plan)
   * compare this count as well as the dataIds.
   */
  inPlaceWrites = 0;
  /** Native kernels write each result's dtype code, rank and sizes here (native/core.cc R, RN). */
  private readonly shapes = new Int32Array(1024);

  constructor(readonly addon: Addon) {
    super();
    this.data = new DataStorage(this, engine());
    addon.setShapeBuffer(this.shapes);
  }

  /**
   * Native id of a tensor on this backend (inputs of native kernels), in the tensor's own shape:
   * Reshape shares the dataId (as tfjs' cpu backend does), so a tensor whose shape differs from
   * the stored one gets a cached native view of that shape.
   */
  id(t: TensorInfo): number {
    const e = this.data.get(t.dataId);
    if (e.id === 0) throw new Error(`libtorch backend: ${e.dtype} tensors have no native storage`);
    if (e.shape === t.shape || sameShape(e.shape, t.shape)) return e.id;
    const key = t.shape.join(',');
    let v = e.views?.get(key);
    if (v === undefined) {
      v = this.addon.reshape(e.id, t.shape) as number;
      (e.views ??= new Map()).set(key, v);
    }
    return v;
  }

  /** Wraps a native result whose shape and dtype the kernel already knows (multi-result kernels). */
  known(nativeId: number, shape: number[], dtype: DataType): TensorInfo {
    const dataId = {};
    this.data.set(dataId, { id: nativeId, dtype, shape, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /** t's data under another shape, without a copy (Reshape, ExpandDims, Identity). */
  alias(t: TensorInfo, shape: number[]): TensorInfo {
    this.incRef(t.dataId);
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** A new tensor from values computed in JS. */
  fromValues(values: BackendValues, shape: number[], dtype: DataType): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  /** Wraps a native result id as a tfjs TensorInfo (shape and dtype read from the tensor). */
  out(nativeId: number): TensorInfo {
    return this.wrap(nativeId, 0);
  }

  /** Wraps the ids of a multi-result native call (native/core.cc RN). */
  outs(nativeIds: number[]): TensorInfo[] {
    let at = 0;
    return nativeIds.map((id) => {
      const t = this.wrap(id, at);
      at += 2 + t.shape.length;
      return t;
    });
  }

  private wrap(nativeId: number, at: number): TensorInfo {
    const s = this.shapes;
    const dtype = CODE_DTYPE[s[at]];
    const rank = s[at + 1];
    const shape = new Array<number>(rank);
    for (let k = 0; k < rank; k++) shape[k] = s[at + 2 + k];
    const dataId = {};
    this.data.set(dataId, { id: nativeId, dtype, shape, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /**
   * tfjs' Adam update of every variable in one native call, in place (native/optimizer.cc): the
   * params, both moments and the two accumulated-beta scalars are overwritten, so each must be the
   * only tensor on its data (refCount 1); returns false, changing nothing, when one is not or when a
   * gradient is not float32 or differs in size from its variable (tfjs' own update then runs).
   */
  adamUpdate(params: TensorInfo[], grads: TensorInfo[], m: TensorInfo[], v: TensorInfo[], accBeta1: TensorInfo, accBeta2: TensorInfo,
    hp: { learningRate: number; beta1: number; beta2: number; epsilon: number }): boolean {
    const written = [...params, ...m, ...v, accBeta1, accBeta2];
    for (const t of written) {
      const e = this.data.get(t.dataId);
      if (e === undefined || e.refCount !== 1 || e.id === 0 || e.dtype !== 'float32') return false;
    }
    const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
    if (grads.length !== params.length || grads.some((g, i) => g.dtype !== 'float32' || size(g) !== size(params[i]))) return false;
    // A cached view shares the storage: the native side would then update a private copy instead.
    for (const t of written) this.dropViews(this.data.get(t.dataId));
    const ids = (ts: TensorInfo[]) => ts.map((t) => this.data.get(t.dataId).id);
    this.inPlaceWrites++;
    this.addon.adamUpdate(ids(params), grads.map((g) => this.id(g)), ids(m), ids(v), this.data.get(accBeta1.dataId).id,
      this.data.get(accBeta2.dataId).id, hp.learningRate, hp.beta1, hp.beta2, hp.epsilon);
    return true;
  }

  /**
   * Runs `forward` on (a view of) x with recording on (native/replay.cc): returns its outputs and either a native
   * plan that `replay` runs in one native call for inputs of x's shape and dtype, or, when a kernel of the forward
   * has no native form (it read values back to JS), the reason as a string. A training step also returns
   * `writeBack`: pairs [variable's earlier tensor, the value the step computed for it] (batch norm's moving
   * statistics): the value is copied into the earlier tensor now and after every run, so the caller points the
   * variable back at that tensor.
   */
  record(x: Tensor, forward: (x: Tensor) => Tensor[] | { outputs: Tensor[]; writeBack: [TensorInfo, TensorInfo][] }): { outputs: Tensor[]; plan: NativePlan | string } {
    // a fresh tensor without cached views: every native id the forward derives from the input is then recorded
    const input = engine().makeTensorFromTensorInfo(this.known(this.addon.reshape(this.id(x), x.shape) as number, x.shape.slice(), x.dtype), this);
    this.addon.recordBegin(this.id(input));
    let outputs: Tensor[];
    let handle: number | string;
    try {
      const r = forward(input);
      const writeBack = Array.isArray(r) ? [] : r.writeBack;
      outputs = Array.isArray(r) ? r : r.outputs;
      handle = this.addon.recordEnd(outputs.map((o) => this.id(o)), writeBack.flatMap(([to, from]) => [this.data.get(to.dataId).id, this.id(from)])) as number | string;
      if (writeBack.length > 0) this.inPlaceWrites++;
    } catch (e) {
      this.addon.recordAbort();
      input.dispose();
      throw e;
    }
    input.dispose();
    return { outputs, plan: typeof handle === 'string' ? handle : new NativePlan(this, handle, x.shape.slice(), x.dtype, this.addon.planWrites(handle) as boolean) };
  }

  /**
   * tf.conv3d (x NDHWC, filter [kd, kh, kw, in, out], strides, 'same' | 'valid', dilations) plus a per-channel bias and
   * 'linear' or 'leakyrelu', as ONE native kernel (native/conv.cc conv, which adds the bias in the convolution and
   * applies the activation in place): tfjs has no fused conv3d, so memae's inference plan calls this for its folded 3D
   * convolutions (one kernel per layer instead of three, no intermediate tensors). Float32 only.
   */
  conv3dBiasAct(x: Tensor, filter: Tensor, strides: number[], pad: 'same' | 'valid', dilations: number[], bias: Tensor,
    activation: 'linear' | 'leakyrelu', alpha = 0.2): Tensor {
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || bias.dtype !== 'float32') throw new Error('libtorch backend: conv3dBiasAct takes float32 tensors');
    const info = backend_util.computeConv3DInfo(x.shape as [number, number, number, number, number], filter.shape as [number, number, number, number, number],
      strides as [number, number, number], dilations as [number, number, number], pad);
    const g = geometry(info);
    // activation codes of native/activation.cc: 0 linear, 4 leaky ReLU
    const id = this.addon.conv(this.id(x), this.id(filter), this.id(bias), g.strides, g.pads, g.dilations, 1,
      activation === 'leakyrelu' ? 4 : 0, alpha, 0) as number;
    return engine().makeTensorFromTensorInfo(this.out(id), this);
  }

  /**
   * tf.conv2dTranspose / tf.conv3dTranspose (x channels last, filter [k..., outChannels, inChannels], outShape, strides,
   * 'same' | 'valid') plus a per-channel bias and 'linear' or 'leakyrelu', as ONE native kernel
   * (native/conv.cc convTransposeBiasAct): memae's inference plan runs its folded transposed convolutions through it,
   * so a recorded plan holds one kernel per such layer instead of three. Float32 only.
   */
  convTransposeBiasAct(x: Tensor, filter: Tensor, outShape: number[], strides: number[], pad: 'same' | 'valid', bias: Tensor,
    activation: 'linear' | 'leakyrelu', alpha = 0.2): Tensor {
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || bias.dtype !== 'float32') throw new Error('libtorch backend: convTransposeBiasAct takes float32 tensors');
    const info = outShape.length === 4
      ? backend_util.computeConv2DInfo(outShape as [number, number, number, number], filter.shape as [number, number, number, number],
        strides as [number, number], 1, pad, undefined, false, 'channelsLast')
      : backend_util.computeConv3DInfo(outShape as [number, number, number, number, number], filter.shape as [number, number, number, number, number],
        strides as [number, number, number], 1, pad);
    const g = geometry(info);
    // activation codes of native/activation.cc: 0 linear, 4 leaky ReLU
    const id = this.addon.convTransposeBiasAct(this.id(x), this.id(filter), g.inSize, g.strides, g.pads, g.dilations, 1, this.id(bias),
      activation === 'leakyrelu' ? 4 : 0, alpha) as number;
    return engine().makeTensorFromTensorInfo(this.out(id), this);
  }

  private dropViews(e: Entry): void {
    if (!e.views) return;
    e.views.forEach((v) => this.addon.free(v));
    e.views = undefined;
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.data.set(dataId, this.entry(values, shape, dtype));
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    const e = this.entry(values, shape, dtype);
    e.refCount = refCount;
    this.data.set(dataId, e);
  }

  private entry(values: BackendValues, shape: number[], dtype: DataType): Entry {
    if (dtype === 'string' || dtype === 'complex64') return { id: 0, dtype, shape, refCount: 1, js: values };
    const code = DTYPE_CODE[dtype as NativeDtype];
    const size = shape.reduce((a, b) => a * b, 1);
    let v = values as Float32Array | Int32Array | Uint8Array;
    // tfjs may hand over values of another typed array type (e.g. Float32Array for int32): convert.
    const want = dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array;
    if (v == null) v = new want(size);
    else if (!(v instanceof want)) v = want.from(v as ArrayLike<number>);
    return { id: this.addon.write(v, shape, code), dtype, shape, refCount: 1 };
  }

  override readSync(dataId: DataId): BackendValues {
    const e = this.data.get(dataId);
    if (e.id === 0) return e.js as BackendValues;
    return this.addon.read(e.id);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const e = this.data.get(dataId);
    e.refCount--;
    if (!force && e.refCount > 0) return false;
    if (e.id !== 0) this.addon.free(e.id);
    this.dropViews(e);
    this.data.delete(dataId);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  /** Tensors alive in the native store (for leak checks). */
  numNativeTensors(): number {
    return this.addon.count();
  }

  override memory(): { unreliable: boolean; reasons?: string[] } {
    return { unreliable: true, reasons: ['native memory is managed by libtorch'] };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const t0 = performance.now();
    f();
    return { kernelMs: performance.now() - t0 };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {}
}

/** A recorded kernel sequence (LibtorchBackend.record): one native call per `run`; `free` releases it. */
export class NativePlan {
  private handle: number;
  private readonly size: number;

  /** `shape` and `dtype`: the recorded input's; `writes`: a run changes tensors outside the plan (a training step:
   *  the fused Adam's in-place update, batch norm's moving statistics) */
  constructor(private readonly backend: LibtorchBackend, handle: number, readonly shape: number[], readonly dtype: DataType, readonly writes = false) {
    this.handle = handle;
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  /** The plan's outputs for x (same shape and dtype as the recorded input), as tensors of the tfjs engine; `params`
   *  replace the recorded parameters (a training step's learning rate). */
  run(x: Tensor, params?: number[]): Tensor[] {
    if (this.handle === 0) throw new Error('libtorch backend: the native plan was freed');
    const ids = this.backend.addon.replay(this.handle, this.backend.id(x), params) as number[];
    // values cached against the variables' tensors (memae's inference plan) must see the change, as after adamUpdate
    if (this.writes) this.backend.inPlaceWrites++;
    return this.backend.outs(ids).map((t) => engine().makeTensorFromTensorInfo(t, this.backend));
  }

  /**
   * The plan's outputs for an input given as values (row-major, the recorded shape and dtype), as typed arrays: the
   * values written, the plan replayed and its outputs read back and freed, without tfjs tensors (no engine
   * bookkeeping, nothing to dispose; memae's batch-1 scoring).
   */
  runValues(values: Float32Array | Int32Array | Uint8Array): BackendValues[] {
    if (this.handle === 0) throw new Error('libtorch backend: the native plan was freed');
    const want = this.dtype === 'float32' ? Float32Array : this.dtype === 'int32' ? Int32Array : Uint8Array;
    if (!(values instanceof want) || values.length !== this.size) {
      throw new Error(`libtorch backend: runValues takes ${this.size} ${this.dtype} values (shape [${this.shape}]), got ${values.length} in a ${values.constructor.name}`);
    }
    const a = this.backend.addon;
    const input = a.write(values, this.shape, DTYPE_CODE[this.dtype as NativeDtype]);
    let ids: number[] = [];
    try {
      ids = a.replay(this.handle, input) as number[];
      return ids.map((id) => a.read(id));
    } finally {
      a.free(input);
      for (const id of ids) a.free(id);
    }
  }

  /** Names of the recorded native kernels, in order. */
  kernels(): string[] {
    return this.handle === 0 ? [] : (this.backend.addon.planKernels(this.handle) as string[]);
  }

  free(): void {
    if (this.handle !== 0) this.backend.addon.freePlan(this.handle);
    this.handle = 0;
  }
}
