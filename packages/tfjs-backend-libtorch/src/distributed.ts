// Process groups on PyTorch's c10d engine (Gloo over TCP), the engine of DistributedDataParallel:
// allreduce, broadcast and barrier on tensors of the libtorch backend, in place (no copy through JS),
// every collective with a timeout. The rendezvous is torch.distributed's env:// one (a TCPStore
// served by rank 0, or by torchelastic's agent), so PyTorch ranks can join the same group.
//   const pg = ProcessGroup.init({ rank, worldSize, masterAddr: '127.0.0.1', masterPort: 29500 });
//   pg.allreduce(grads, 'avg'); pg.destroy();
import { engine, mul, Tensor, TensorInfo, Variable } from '@tensorflow/tfjs-core';
import type { LibtorchBackend } from './backend.js';
import { loadAddon } from './native.js';

export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  /** TCPStore host (rank 0's address, torchrun's MASTER_ADDR); default 127.0.0.1 */
  masterAddr?: string;
  /** TCPStore port (MASTER_PORT); default 29500 */
  masterPort?: number;
  /** single host: a FileStore at this path instead of the TCPStore (the file must not exist yet) */
  storePath?: string;
  /** for store set-up and for every collective; default 300 000 ms */
  timeoutMs?: number;
  /** this process serves the TCPStore (default: rank 0, unless torchelastic's agent serves it) */
  storeServer?: boolean;
  /** key prefix in the store (torchelastic: /worker/attempt_N) */
  storePrefix?: string;
  /** non-zero ranks compare their world size with rank 0's (default true; off when PyTorch is rank 0) */
  checkWorldSize?: boolean;
}

/** A collective or the rendezvous failed: a peer left, timed out, or the master cannot be reached. */
export class DistributedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistributedError';
  }
}

/** c10d's messages are long and carry C++ locations: keep the first line, say what it means. */
function explain(e: unknown, what: string, rank: number): DistributedError {
  const raw = String((e as Error)?.message ?? e).split('\n')[0].replace(/^\[enforce fail at [^\]]*\]\s*/, '');
  let why = raw;
  if (/Address already in use|errno: 98/.test(raw)) why = `the master port is in use (${raw})`;
  else if (/Connection closed by peer|Connection reset|Broken pipe|ECONNRESET|EPIPE|Read error|Write error/i.test(raw)) why = `a peer process left the group (${raw})`;
  else if (/[Tt]imed out|Timeout|timeout/.test(raw)) why = `timed out (${raw})`;
  return new DistributedError(`rank ${rank}: ${what} failed: ${why}`);
}

/** Whether the addon was built with Gloo (Debian: libgloo-dev at build time). */
export function distributedAvailable(): boolean {
  const addon = loadAddon();
  return typeof addon.distAvailable === 'function' && addon.distAvailable() === true;
}

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly timeoutMs: number;
  /** Bytes sent through allreduce by this rank's collectives, for benchmarks (payload, not wire bytes). */
  bytesReduced = 0;
  private handle: number;

  private constructor(handle: number, rank: number, worldSize: number, timeoutMs: number) {
    this.handle = handle;
    this.rank = rank;
    this.worldSize = worldSize;
    this.timeoutMs = timeoutMs;
  }

  /** Joins the group (blocks until every rank has joined or the timeout passes). */
  static init(o: ProcessGroupOptions): ProcessGroup {
    if (!distributedAvailable()) {
      throw new DistributedError('distributed training needs the addon built with Gloo: install libgloo-dev and run "npm run build:native"');
    }
    const { rank, worldSize } = o;
    if (!Number.isInteger(worldSize) || worldSize < 1) throw new DistributedError(`world size must be a positive integer, got ${worldSize}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new DistributedError(`rank ${rank} is outside a world of size ${worldSize}`);
    const timeoutMs = o.timeoutMs ?? 300_000;
    const port = o.masterPort ?? 29500;
    if (!o.storePath && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new DistributedError(`master port must be an integer 1..65535, got ${port}`);
    const addon = loadAddon();
    try {
      const h = o.storePath
        ? addon.distInit('file', o.storePath, 0, rank, worldSize, timeoutMs, false, o.storePrefix ?? '', o.checkWorldSize ?? true)
        : addon.distInit('tcp', o.masterAddr ?? '127.0.0.1', port, rank, worldSize, timeoutMs, o.storeServer ?? rank === 0, o.storePrefix ?? '', o.checkWorldSize ?? true);
      return new ProcessGroup(h as number, rank, worldSize, timeoutMs);
    } catch (e) {
      const where = o.storePath ? `store file ${o.storePath}` : `master ${o.masterAddr ?? '127.0.0.1'}:${port}`;
      throw explain(e, `joining the group of ${worldSize} at ${where}`, rank);
    }
  }

  /** Sum (or mean) of each tensor over all ranks, written into the tensors; buckets of `bucketBytes` (default 25 MB, DDP's). */
  allreduce(tensors: Tensor[], op: 'sum' | 'avg' = 'sum', bucketBytes = 25 * 2 ** 20): void {
    const ids = this.nativeIds(tensors);
    for (const t of tensors) this.bytesReduced += t.size * 4;
    this.call('allreduce', () => loadAddon().distAllreduce(this.handle, ids, op === 'avg' ? 1 : 0, bucketBytes, this.timeoutMs));
  }

  /** `root`'s values of each tensor, written into the tensors of every rank (coalesced in buckets as allreduce). */
  broadcast(tensors: Tensor[], root = 0, bucketBytes = 25 * 2 ** 20): void {
    const ids = this.nativeIds(tensors);
    this.call('broadcast', () => loadAddon().distBroadcast(this.handle, ids, root, bucketBytes, this.timeoutMs));
  }

  barrier(): void {
    this.call('barrier', () => loadAddon().distBarrier(this.handle, this.timeoutMs));
  }

  /** Small strings between ranks through the store (get waits up to the timeout). */
  storeSet(key: string, value: string): void {
    this.call('store set', () => loadAddon().distStoreSet(this.handle, key, value));
  }

  storeGet(key: string): string {
    return this.call('store get', () => loadAddon().distStoreGet(this.handle, key, this.timeoutMs)) as string;
  }

  /** A failure of `what` (a collective run inside a replayed native plan) described as this group's own calls describe theirs. */
  failure(e: unknown, what: string): DistributedError {
    return explain(e, what, this.rank);
  }

  destroy(): void {
    if (this.handle === 0) return;
    loadAddon().distDestroy(this.handle);
    this.handle = 0;
  }

  private call(what: string, f: () => unknown): unknown {
    if (this.handle === 0) throw new DistributedError(`rank ${this.rank}: ${what} on a destroyed process group`);
    try {
      return f();
    } catch (e) {
      throw explain(e, what, this.rank);
    }
  }

  /**
   * The native ids written in place. Each tensor must own its data: a variable that shares it
   * (tf.variable(t) keeps t's data) first gets a copy, a plain tensor that shares it is refused.
   * Cached reshape views are dropped: they share the storage the collective writes.
   */
  private nativeIds(tensors: Tensor[]): number[] {
    const backend = engine().backend as unknown as LibtorchBackend;
    if (backend.constructor.name !== 'LibtorchBackend') throw new DistributedError('collectives need the libtorch backend active (tf.setBackend("libtorch"))');
    const seen = new Set<object>();
    backend.inPlaceWrites++;
    return tensors.map((t) => {
      if (seen.has(t.dataId)) throw new DistributedError('the same tensor appears twice in one collective');
      seen.add(t.dataId);
      if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new DistributedError(`collectives take float32 or int32 tensors, got ${t.dtype}`);
      if (backend.refCount(t.dataId) > 1) {
        if (!(t instanceof Variable)) throw new DistributedError('a tensor given to a collective shares its data with another tensor; clone it first');
        const own = engine().tidy(() => mul(t, 1));
        t.assign(own);
        own.dispose();
      }
      const e = backend.data.get((t as TensorInfo).dataId);
      if (e.views) {
        e.views.forEach((v) => backend.addon.free(v));
        e.views = undefined;
      }
      return e.id;
    });
  }
}
