// `memae train --nproc N`: starts N local workers of the same command with torchrun's environment,
// relays rank 0's output, and stops every worker as soon as one fails (as torchrun does).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

export interface LaunchOptions {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  /** 0: a free port (single node only) */
  masterPort: number;
  /** the worker command line (node, script, arguments) */
  argv: string[];
  execArgv?: string[];
}

/** Set in workers so that they do not launch workers themselves. */
export const LAUNCHED_ENV = 'MEMAE_LAUNCHED';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Runs the workers; resolves with the exit code (the first failing worker's, else 0). */
export async function launchWorkers(o: LaunchOptions): Promise<number> {
  const port = o.masterPort || await freePort();
  const worldSize = o.nproc * o.nnodes;
  const threads = process.env.LIBTORCH_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / o.nproc)));
  const children: ChildProcess[] = [];
  let failed: number | undefined;
  const stopAll = (signal: NodeJS.Signals) => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal); };
  const onSignal = (s: NodeJS.Signals) => { failed ??= 130; stopAll(s); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const exits = Array.from({ length: o.nproc }, (_, local) => {
      const rank = o.nodeRank * o.nproc + local;
      const env = {
        ...process.env, [LAUNCHED_ENV]: '1', RANK: String(rank), LOCAL_RANK: String(local), WORLD_SIZE: String(worldSize),
        LOCAL_WORLD_SIZE: String(o.nproc), GROUP_RANK: String(o.nodeRank), MASTER_ADDR: o.masterAddr, MASTER_PORT: String(port),
        LIBTORCH_NUM_THREADS: threads,
        // a worker's OpenMP pool gets the worker's share of the cores, as torchrun sets OMP_NUM_THREADS (OpenBLAS's
        // own pool gets one thread when the addon loads: tfjs-backend-libtorch/src/native.ts)
        OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? threads,
      };
      // rank 0 speaks for the run (progress, results, --json); the others only report errors
      const c = spawn(process.execPath, [...(o.execArgv ?? process.execArgv), ...o.argv.slice(1)], { env, stdio: ['ignore', rank === 0 ? 'inherit' : 'ignore', 'inherit'] });
      children.push(c);
      return new Promise<void>((resolve) => {
        c.on('exit', (code, signal) => {
          if (code !== 0 && failed === undefined) {
            failed = code ?? (signal ? 1 : 1);
            stopAll('SIGTERM');
          }
          resolve();
        });
        c.on('error', () => { failed ??= 1; resolve(); });
      });
    });
    await Promise.all(exits);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return failed ?? 0;
}
