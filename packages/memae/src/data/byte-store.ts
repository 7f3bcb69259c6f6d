// uint8 sample storage for decoded images: in memory, or in a temporary file for datasets too large to hold.
// Samples are normalised to float32 [-1, 1] only when gathered, so memory stays at 1 byte per value.
import { closeSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from './dataset.js';
import { normalisePixel } from './mnist.js';

/** Above this many bytes, `auto` storage goes to a temporary file. */
export const DISK_THRESHOLD_BYTES = 256 * 1024 * 1024;

const LUT = Float32Array.from({ length: 256 }, (_, p) => normalisePixel(p));

const tempFiles = new Set<string>();
let cleanupHooked = false;
const TEMP_RE = /^memae-images-(\d+)-\d+-\d+\.u8$/;

function removeTemps(): void {
  for (const f of tempFiles) {
    try {
      unlinkSync(f);
    } catch {
      /* already gone */
    }
  }
  tempFiles.clear();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp stores of memae processes that died without cleaning up (SIGKILL, power loss). */
function removeOrphans(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP_RE.exec(n);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(tmpdir(), n));
    } catch {
      /* not ours to remove */
    }
  }
}

/** Temp stores are removed on exit and on SIGINT / SIGTERM (then the signal takes its default course,
 *  unless the program has its own handler for it). */
function hookCleanup(): void {
  if (cleanupHooked) return;
  cleanupHooked = true;
  removeOrphans();
  process.on('exit', removeTemps);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      removeTemps();
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function tempPath(): string {
  hookCleanup();
  const p = join(tmpdir(), `memae-images-${process.pid}-${tempFiles.size}-${Date.now()}.u8`);
  tempFiles.add(p);
  return p;
}

export class ByteStore {
  private mem?: Uint8Array;
  private file?: string;
  private wfd?: number;
  constructor(readonly count: number, readonly sampleBytes: number, where: 'memory' | 'disk' | 'auto' = 'auto') {
    const disk = where === 'disk' || (where === 'auto' && count * sampleBytes > DISK_THRESHOLD_BYTES);
    if (disk) {
      this.file = tempPath();
      this.wfd = openSync(this.file, 'w+');
    } else {
      this.mem = new Uint8Array(count * sampleBytes);
    }
  }
  get onDisk(): boolean {
    return this.file !== undefined;
  }
  write(i: number, bytes: Uint8Array): void {
    if (bytes.length !== this.sampleBytes) throw new Error(`byte store: sample of ${bytes.length} bytes, expected ${this.sampleBytes}`);
    if (this.mem) this.mem.set(bytes, i * this.sampleBytes);
    else writeSync(this.wfd!, bytes, 0, bytes.length, i * this.sampleBytes);
  }
  /** Call once every sample is written. */
  seal(): void {
    if (this.wfd !== undefined) closeSync(this.wfd);
    this.wfd = undefined;
  }
  /** The raw bytes of sample i. */
  read(i: number, out: Uint8Array = new Uint8Array(this.sampleBytes)): Uint8Array {
    if (this.mem) {
      out.set(this.mem.subarray(i * this.sampleBytes, (i + 1) * this.sampleBytes));
      return out;
    }
    const fd = openSync(this.file!, 'r');
    try {
      readSync(fd, out, 0, this.sampleBytes, i * this.sampleBytes);
    } finally {
      closeSync(fd);
    }
    return out;
  }
  /** Samples at `indices`, normalised to [-1, 1], concatenated. */
  gatherNormalised(indices: ArrayLike<number>): Float32Array {
    const n = this.sampleBytes;
    const out = new Float32Array(indices.length * n);
    const tmp = new Uint8Array(n);
    const fd = this.file ? openSync(this.file, 'r') : undefined;
    try {
      for (let j = 0; j < indices.length; j++) {
        const k = indices[j];
        if (!(k >= 0 && k < this.count)) throw new RangeError(`dataset: index ${k} out of range [0, ${this.count})`);
        let src: Uint8Array;
        if (this.mem) src = this.mem.subarray(k * n, (k + 1) * n);
        else {
          readSync(fd!, tmp, 0, n, k * n);
          src = tmp;
        }
        for (let i = 0; i < n; i++) out[j * n + i] = LUT[src[i]];
      }
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return out;
  }
}

/** A dataset of uint8 images held in a ByteStore (decoded once, normalised on gather). */
export class ByteImageDataset implements Dataset {
  readonly size: number;
  constructor(
    readonly store: ByteStore,
    readonly sampleShape: number[],
    readonly labels?: Uint8Array,
    readonly classes?: Int32Array,
    /** source file of every sample */
    readonly files?: string[],
  ) {
    this.size = store.count;
  }
  gather(indices: ArrayLike<number>): Float32Array {
    return this.store.gatherNormalised(indices);
  }
}
