// Backend choice. On Node memae runs on tfjs-backend-libtorch when its addon loads, else on tfjs `cpu`.
// The libtorch package is imported lazily, so code that asks for `cpu` never loads the native addon.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { UserError } from '../errors/user-error.js';

export type BackendChoice = 'auto' | 'libtorch' | 'cpu';

let current: Promise<string> | undefined;
let currentChoice: BackendChoice | undefined;

function envChoice(): BackendChoice | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.MEMAE_BACKEND;
  if (v === undefined || v === '') return undefined;
  if (v !== 'auto' && v !== 'libtorch' && v !== 'cpu') throw new UserError(`MEMAE_BACKEND must be auto, libtorch or cpu, got "${v}"`);
  return v;
}

async function useCpu(): Promise<string> {
  await tf.setBackend('cpu');
  // tfjs-cpu prints a "use tfjs-node" banner on first use in Node; memae has its own native backend.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return 'cpu';
}

async function useLibtorch(required: boolean): Promise<string> {
  try {
    const mod = await import('tfjs-backend-libtorch');
    mod.registerLibtorchBackend();
    if (!(await tf.setBackend('libtorch'))) throw new Error('tf.setBackend("libtorch") failed');
    return 'libtorch';
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    if (required) throw new UserError(`the libtorch backend is not available: ${why}`);
    // auto: one line, then tfjs cpu (MEMAE_BACKEND=cpu asks for cpu and silences it)
    console.warn(`memae: running on tfjs cpu, the libtorch backend is not available (${why})`);
    return useCpu();
  }
}

/**
 * Selects the tfjs backend once per process (later calls with the same choice are free).
 * Default: $MEMAE_BACKEND, else 'auto' (libtorch when it loads, else cpu).
 */
export function initBackend(choice?: BackendChoice): Promise<string> {
  const c = choice ?? envChoice() ?? 'auto';
  if (current && (choice === undefined || c === currentChoice)) return current;
  currentChoice = c;
  current = c === 'cpu' ? useCpu() : useLibtorch(c === 'libtorch');
  return current;
}
