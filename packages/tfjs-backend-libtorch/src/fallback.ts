// Kernels without a native implementation run on tfjs' cpu backend: inputs are copied there,
// the cpu kernel runs, outputs are copied back. A one-time warning names each such kernel.
import { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, backend_util, getKernelsForBackend } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { LibtorchBackend } from './backend.js';
import { BACKEND_NAME } from './name.js';

const warned = new Set<string>();
/** Kernels that fell back to cpu so far in this process ("<name> <why>"). */
export const fallbackKernelsUsed = (): string[] => [...warned];

let cpu: MathBackendCPU | undefined;
function cpuBackend(): MathBackendCPU {
  if (!cpu) {
    cpu = new MathBackendCPU();
    (cpu as unknown as { firstUse: boolean }).firstUse = false; // no "install tfjs-node" banner
  }
  return cpu;
}

function toCpu(b: LibtorchBackend, c: MathBackendCPU, t: TensorInfo): TensorInfo {
  const values = b.readSync(t.dataId);
  const dataId = c.write(values, t.shape, t.dtype);
  if (t.dtype === 'complex64') {
    // cpu keeps complex values as two float32 tensors; ours are interleaved [re, im, ...]
    const { real, imag } = backend_util.splitRealAndImagArrays(values as Float32Array);
    c.data.get(dataId).complexTensorInfos = {
      real: c.makeTensorInfo(t.shape, 'float32', real),
      imag: c.makeTensorInfo(t.shape, 'float32', imag),
    };
  }
  // rank: a few cpu kernels (Dilation2DBackprop*) read it, as they are usually handed Tensors
  return { dataId, shape: t.shape, dtype: t.dtype, rank: t.shape.length } as TensorInfo;
}

/** k on cpu; `why` completes the one-time warning "kernel <name> ...". */
export function fallbackKernel(k: KernelConfig, why = 'has no native implementation'): KernelConfig {
  const key = `${k.kernelName} ${why}`;
  const kernelFunc = ((args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: unknown }) => {
    if (!warned.has(key)) {
      warned.add(key);
      if (process.env.LIBTORCH_FALLBACK_WARN !== '0') {
        console.warn(`tfjs-backend-libtorch: kernel ${k.kernelName} ${why}; running it on tfjs cpu (data is copied)`);
      }
    }
    const b = args.backend as LibtorchBackend;
    const c = cpuBackend();
    // inputs is a record (whose values may be lists, e.g. RaggedGather's splits) or a list
    // (Concat, Pack, AddN, ...); the cpu kernel gets the same structure.
    const made: TensorInfo[] = [];
    const move = (t: TensorInfo | TensorInfo[] | undefined): TensorInfo | TensorInfo[] | undefined => {
      if (t == null) return t;
      if (Array.isArray(t)) return t.map((u) => move(u) as TensorInfo);
      const ct = toCpu(b, c, t);
      made.push(ct);
      return ct;
    };
    const inputs = Array.isArray(args.inputs)
      ? move(args.inputs as TensorInfo[])
      : Object.fromEntries(Object.entries(args.inputs).map(([name, t]) => [name, move(t)]));
    const res = (k.kernelFunc as unknown as (a: object) => TensorInfo | TensorInfo[])({ inputs, attrs: args.attrs ?? {}, backend: c });
    const outs = Array.isArray(res) ? res : [res];
    const back = outs.map((o) => ({ dataId: b.write(c.readSync(o.dataId), o.shape, o.dtype), shape: o.shape, dtype: o.dtype }));
    for (const t of [...made, ...outs]) c.disposeData(t.dataId);
    return Array.isArray(res) ? back : back[0];
  }) as unknown as KernelFunc;
  return { kernelName: k.kernelName, backendName: BACKEND_NAME, kernelFunc };
}

/** cpu kernels that the native set lacks, wrapped to fall back. */
export function fallbackKernels(nativeNames: Set<string>): KernelConfig[] {
  return getKernelsForBackend('cpu').filter((k) => !nativeNames.has(k.kernelName)).map((k) => fallbackKernel(k));
}
