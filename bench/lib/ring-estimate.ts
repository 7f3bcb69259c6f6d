// Scaling estimate for data-parallel training with a ring allreduce (Gloo's and NCCL's algorithm for large
// payloads): each of n ranks sends and receives 2 (n-1)/n of the gradient bytes S in 2 (n-1) messages, so
//   allreduce(n) = 2 (n-1)/n x S / bandwidth + 2 (n-1) x latency
//   step(n)      = fixed + perSample x (per-rank batch) + allreduce(n)   (no overlap with backward: tfjs
//                  computes every gradient in one call)
// fixed and perSample come from one-process CPU time at two batch sizes; weak scaling keeps the per-rank
// batch, strong scaling splits the global batch over n ranks.

export interface Fit {
  model: string;
  /** the global batch of one process */
  batch: number;
  fixedMs: number;
  perSampleMs: number;
  /** gradient bytes per step */
  bytes: number;
  /** measured on this machine: allreduce of S bytes between 2 ranks, and of 1 float */
  reduceOnlyMs?: number;
  latencyMs?: number;
}

export interface Estimate {
  model: string; network: string; workers: number; allreduceMs: number;
  weakSamplesPerSec: number; weakEfficiency: number; strongSamplesPerSec: number; strongEfficiency: number;
}

interface Net { name: string; bytesPerMs: number; latencyMs: number }

export function allreduceMs(n: number, bytes: number, net: Net): number {
  return n === 1 ? 0 : (2 * (n - 1) / n) * bytes / net.bytesPerMs + 2 * (n - 1) * net.latencyMs;
}

/** Networks: the measured loopback (bandwidth from the 2-rank allreduce: it moves S bytes each way), 10 GbE and 100 GbE. */
function networks(f: Fit): Net[] {
  const out: Net[] = [];
  if (f.reduceOnlyMs !== undefined && f.latencyMs !== undefined) {
    const lat = f.latencyMs / 2; // a 2-rank ring allreduce is 2 messages
    out.push({ name: 'measured here', bytesPerMs: f.bytes / Math.max(1e-3, f.reduceOnlyMs - 2 * lat), latencyMs: lat });
  }
  out.push({ name: '10 GbE', bytesPerMs: 1.25e6, latencyMs: 0.05 }, { name: '100 GbE', bytesPerMs: 12.5e6, latencyMs: 0.01 });
  return out;
}

export function estimates(fits: Fit[], workers = [2, 8, 64]): Estimate[] {
  return fits.flatMap((f) => networks(f).flatMap((net) => workers.map((n) => {
    const step = (b: number) => f.fixedMs + f.perSampleMs * b;
    const one = f.batch / step(f.batch) * 1000; // samples/s of one process
    const ar = allreduceMs(n, f.bytes, net);
    const weak = (n * f.batch) / (step(f.batch) + ar) * 1000;
    const per = f.batch / n;
    // a global batch smaller than the ranks cannot be split: strong scaling stops there
    const strong = per >= 1 ? f.batch / (step(per) + ar) * 1000 : NaN;
    return { model: f.model, network: net.name, workers: n, allreduceMs: ar, weakSamplesPerSec: weak, weakEfficiency: weak / (n * one), strongSamplesPerSec: strong, strongEfficiency: strong / (n * one) };
  })));
}
