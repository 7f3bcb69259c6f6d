// Helpers for declaring native kernels compactly.
import { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo, getKernel } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from '../backend.js';
import { fallbackKernel } from '../fallback.js';
import { BACKEND_NAME } from '../name.js';

export { BACKEND_NAME };

export interface NativeArgs {
  inputs: Record<string, TensorInfo>;
  attrs: NamedAttrMap;
  b: LibtorchBackend;
}

/** A kernel implemented by the addon. */
export function kernel(kernelName: string, fn: (a: NativeArgs) => TensorInfo | TensorInfo[]): KernelConfig {
  const kernelFunc = ((args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap; backend: unknown }) =>
    fn({ inputs: args.inputs, attrs: args.attrs ?? {}, b: args.backend as LibtorchBackend })) as unknown as KernelFunc;
  return { kernelName, backendName: BACKEND_NAME, kernelFunc };
}

const fallbacks = new Map<string, KernelFunc>();
/**
 * Runs tfjs' cpu kernel on copies of the inputs, for the cases a native kernel leaves to cpu
 * (non-native dtypes, empty reductions, ...).
 */
export function cpu(kernelName: string, a: NativeArgs, why: string): TensorInfo | TensorInfo[] {
  const key = `${kernelName} ${why}`;
  let f = fallbacks.get(key);
  if (!f) {
    f = fallbackKernel(getKernel(kernelName, 'cpu') as KernelConfig, why).kernelFunc;
    fallbacks.set(key, f);
  }
  return f({ inputs: a.inputs, attrs: a.attrs, backend: a.b }) as TensorInfo | TensorInfo[];
}
