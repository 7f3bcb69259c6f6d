// Registers the `libtorch` backend with tfjs: native kernels first, cpu fallbacks for the rest.
import '@tensorflow/tfjs-backend-cpu';
import { availableParallelism } from 'node:os';
import { KernelConfig, KernelFunc, TensorInfo, getKernel, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import { LibtorchBackend } from './backend.js';
import { fallbackKernel, fallbackKernels } from './fallback.js';
import { BACKEND_NAME } from './kernels/define.js';
import { ensureFastGradients } from './kernels/gradients.js';
import { nativeKernels } from './kernels/index.js';
import { loadAddon } from './native.js';

export interface RegisterOptions {
  /** intra-op threads for libtorch; default $LIBTORCH_NUM_THREADS or all cores */
  threads?: number;
  /** backend priority for tfjs' automatic choice (default 3, above cpu) */
  priority?: number;
}

let registered = false;

/** Registers the backend (idempotent). Throws LibtorchNotFoundError when libtorch is missing. */
export function registerLibtorchBackend(opts: RegisterOptions = {}): void {
  const addon = loadAddon();
  const envThreads = Number(process.env.LIBTORCH_NUM_THREADS);
  addon.setThreads(opts.threads ?? (envThreads > 0 ? envThreads : availableParallelism()));
  if (registered) return;
  registered = true;
  // the backend itself imports no kernel module (no backend -> kernels -> backend cycle): the factory installs the gradients
  registerBackend(BACKEND_NAME, () => {
    ensureFastGradients();
    return new LibtorchBackend(addon);
  }, opts.priority ?? 3);
  const names = new Set(nativeKernels.map((k) => k.kernelName));
  for (const k of nativeKernels) registerKernel(withDtypeGuard(k));
  for (const k of fallbackKernels(names)) registerKernel(k);
}

export const nativeKernelNames = (): string[] => nativeKernels.map((k) => k.kernelName);

const isNative = (dtype: string): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
const allNative = (t: TensorInfo | TensorInfo[] | undefined): boolean =>
  t == null || (Array.isArray(t) ? t.every(allNative) : isNative(t.dtype));
/** Every input of a kernel call has a native dtype (a loop: this runs for every kernel). */
function inputsNative(inputs: Record<string, TensorInfo | TensorInfo[]>): boolean {
  if (Array.isArray(inputs)) return allNative(inputs);
  for (const k in inputs) if (!allNative(inputs[k])) return false;
  return true;
}

/** A native kernel handed a string or complex64 input runs the cpu kernel instead. */
function withDtypeGuard(k: KernelConfig): KernelConfig {
  const cpuKernel = getKernel(k.kernelName, 'cpu');
  if (!cpuKernel) return k;
  const fallback = fallbackKernel(cpuKernel, 'got a string or complex64 input').kernelFunc;
  const kernelFunc = ((args: { inputs: Record<string, TensorInfo | TensorInfo[]> }) => {
    return (inputsNative(args.inputs) ? k.kernelFunc : fallback)(args as Parameters<KernelFunc>[0]);
  }) as unknown as KernelFunc;
  return { ...k, kernelFunc };
}
