// Loads the N-API addon and describes its surface. Failing to load is turned into one clear
// message instead of a dlopen stack trace.
// The addon file is found the way prebuildify packages find theirs (node-gyp-build): a build from source
// (build/Release, made by the install script or `npm run build:native`) first, else the prebuilt binary shipped in
// the npm tarball (prebuilds/linux-x64/, made by `npm pack`).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
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

/** Where the addon comes from: the prebuilt binary of the npm package, or a build from source on this machine. */
export type AddonOrigin = 'prebuilt' | 'built';

export interface AddonLocation {
  file: string;
  origin: AddonOrigin;
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

/** The addon file this process would load, or null when there is neither a build nor a prebuilt for this platform. */
export function addonLocation(): AddonLocation | null {
  const gypBuild = createRequire(import.meta.url)('node-gyp-build') as { resolve(dir: string): string };
  try {
    const file = gypBuild.resolve(packageRoot());
    return { file, origin: file.includes(`${sep}prebuilds${sep}`) ? 'prebuilt' : 'built' };
  } catch {
    return null;
  }
}

export function loadAddon(): Addon {
  if (cached) return cached;
  // $LIBTORCH names the libtorch to use: a wrong one is an error, not a silent fallback to the prebuilt's
  if (process.env.LIBTORCH && !findLibtorch()) throw new LibtorchNotFoundError(`LIBTORCH=${process.env.LIBTORCH} has no include/ATen/ATen.h and lib/`);
  const where = addonLocation();
  if (!where) {
    throw new LibtorchNotFoundError(`no prebuilt addon for ${process.platform}-${process.arch} and none built; then run "npm rebuild tfjs-backend-libtorch"`);
  }
  // Debian's libtorch links the pthreads OpenBLAS, whose own pool (one thread per core) starts when the library
  // loads, beside libtorch's intra-op pool on the same cores: the two pools' threads spin against each other
  // between calls (tabular training 2.3-2.8x slower, the 3D net at batch 1 and 2 threads up to 2.6x). libtorch parallelises around its
  // BLAS calls, so OpenBLAS gets one thread unless the user chose a count (read at load; docs/engine.md)
  if (process.env.OPENBLAS_NUM_THREADS === undefined) process.env.OPENBLAS_NUM_THREADS = '1';
  try {
    cached = createRequire(import.meta.url)(where.file) as Addon;
  } catch (e) {
    throw new LibtorchNotFoundError(`loading the ${where.origin} addon ${where.file} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  return cached;
}
