// Kernels without a native implementation run on tfjs' cpu backend: inputs are copied there,
// the cpu kernel runs, outputs are copied back. A one-time warning names each such kernel.
import { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, getKernelsForBackend } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { LibtorchBackend } from './backend.js';
import { BACKEND_NAME } from './kernels/define.js';

const warned = new Set<string>();
/** Names of kernels that fell back to cpu so far in this process. */
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
  return { dataId: c.write(b.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
}

export function fallbackKernel(k: KernelConfig): KernelConfig {
  const kernelFunc = ((args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: unknown }) => {
    if (!warned.has(k.kernelName)) {
      warned.add(k.kernelName);
      if (process.env.LIBTORCH_FALLBACK_WARN !== '0') {
        console.warn(`tfjs-backend-libtorch: kernel ${k.kernelName} has no native implementation; running it on tfjs cpu (data is copied)`);
      }
    }
    const b = args.backend as LibtorchBackend;
    const c = cpuBackend();
    const inputs: Record<string, TensorInfo> = {};
    const made: TensorInfo[] = [];
    for (const [name, t] of Object.entries(args.inputs)) {
      if (t == null) continue;
      const ct = toCpu(b, c, t);
      inputs[name] = ct;
      made.push(ct);
    }
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
  return getKernelsForBackend('cpu').filter((k) => !nativeNames.has(k.kernelName)).map(fallbackKernel);
}
