// Loads the N-API addon and describes its surface. Failing to load is turned into one clear
// message instead of a dlopen stack trace.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain .mjs helper shared with the install script
import { findLibtorch } from '../scripts/find-libtorch.mjs';

/** tfjs dtype <-> addon dtype code (native/core.cc). */
export const DTYPE_CODE = { float32: 0, int32: 1, bool: 2 } as const;
export const CODE_DTYPE = ['float32', 'int32', 'bool'] as const;
export type NativeDtype = keyof typeof DTYPE_CODE;

/** Functions exported by the addon; each kernel family adds its own (see native/*.cc). */
export interface Addon {
  write(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: number): number;
  read(id: number): Float32Array | Int32Array | Uint8Array;
  free(id: number): void;
  /** Where native results report dtype code, rank and sizes (see LibtorchBackend.out). */
  setShapeBuffer(buf: Int32Array): void;
  count(): number;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [kernel: string]: (...args: any[]) => any;
}

export class LibtorchNotFoundError extends Error {
  constructor(detail: string) {
    super(`libtorch not found: install libtorch-dev or set LIBTORCH (${detail})`);
    this.name = 'LibtorchNotFoundError';
  }
}

let cached: Addon | undefined;

/** The package directory: next to this module, or, when bundled elsewhere (bench/engine-speed.ts), found through node_modules. */
function packageRoot(): string {
  const here = join(dirname(fileURLToPath(import.meta.url)), '..');
  if (existsSync(join(here, 'binding.gyp'))) return here;
  try {
    return join(dirname(createRequire(import.meta.url).resolve('tfjs-backend-libtorch')), '..');
  } catch {
    return here;
  }
}

export function loadAddon(): Addon {
  if (cached) return cached;
  if (!findLibtorch()) throw new LibtorchNotFoundError(process.env.LIBTORCH ? `LIBTORCH=${process.env.LIBTORCH} has no include/ATen/ATen.h and lib/` : 'no /usr/include/ATen/ATen.h');
  const file = join(packageRoot(), 'build', 'Release', 'torch_addon.node');
  if (!existsSync(file)) {
    throw new Error(`tfjs-backend-libtorch: the native addon is not built (${file}); run "npm run build:native"`);
  }
  try {
    cached = createRequire(import.meta.url)(file) as Addon;
  } catch (e) {
    throw new LibtorchNotFoundError(`loading ${file} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  return cached;
}
