// Helpers for declaring native kernels compactly.
import { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from '../backend.js';

export const BACKEND_NAME = 'libtorch';

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
