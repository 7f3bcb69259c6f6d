// memae train's data-parallel options: --nproc starts local workers (torchrun's environment), a worker
// (RANK / WORLD_SIZE in the environment) joins the c10d group and trains its shard of every batch.
import { type Command, InvalidArgumentError } from 'commander';
import type { DataParallel } from '../distributed/data-parallel.js';
import { UserError } from '../errors/user-error.js';

export interface DistributedFlags {
  nproc?: number;
  nnodes?: number;
  nodeRank?: number;
  masterAddr?: string;
  masterPort?: number;
  distTimeout?: number;
  syncBn?: boolean;
}

const int = (name: string, min: number, max = Infinity) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} must be an integer ${min}..${max === Infinity ? '' : max}, got '${v}'`);
  return Number(v);
};

export function addDistributedOptions(cmd: Command): Command {
  return cmd
    .option('--nproc <n>', 'data-parallel: start n worker processes on this machine (batch size is the global batch)', int('--nproc', 1))
    .option('--nnodes <n>', 'data-parallel: machines taking part (each runs the same command with its --node-rank)', int('--nnodes', 1))
    .option('--node-rank <k>', 'data-parallel: this machine\'s index, 0..nnodes-1', int('--node-rank', 0))
    .option('--master-addr <host>', 'data-parallel: address of the machine with node rank 0 (default 127.0.0.1)')
    .option('--master-port <port>', 'data-parallel: its rendezvous port (default: a free port on one machine, 29500 on several)', int('--master-port', 1, 65535))
    .option('--dist-timeout <s>', 'data-parallel: seconds before a missing rank or a stuck collective is an error (default 300)', int('--dist-timeout', 1))
    .option('--sync-bn', 'data-parallel: batch norm with the statistics of the global batch across ranks (PyTorch\'s SyncBatchNorm: the same training as one process); image and video models; one process: no effect');
}

/**
 * --sync-bn on a model without batch norm is a one-line error (before any worker starts): the flag could
 * never do anything there. In one process it is a no-op, as PyTorch's SyncBatchNorm outside a process
 * group: one process's batch already is the global batch, so the same command runs unchanged with or
 * without a launcher.
 */
export function checkSyncBn(f: DistributedFlags, source: string): void {
  if (f.syncBn && source === 'csv') throw new UserError('--sync-bn: tabular models (--data csv) have no batch norm; leave the flag out');
}

export interface DistributedRun {
  rank: number;
  worldSize: number;
  parallel: DataParallel;
  close(): void;
}

/**
 * 'launched' when this process only started the workers (process.exitCode holds theirs), a run when
 * this process is a worker of a group, undefined for a plain single-process run.
 */
export async function distributedSetup(f: DistributedFlags): Promise<'launched' | DistributedRun | undefined> {
  // loaded here, not at the top: main.ts registers the options, and --help must not load tfjs
  const { LAUNCHED_ENV, launchWorkers } = await import('../distributed/launch.js');
  const { distEnv } = await import('../distributed/env.js');
  const launcher = f.nproc !== undefined || f.nnodes !== undefined;
  if (launcher && process.env[LAUNCHED_ENV] !== '1') {
    const nnodes = f.nnodes ?? 1, nproc = f.nproc ?? 1, nodeRank = f.nodeRank ?? 0;
    if (nodeRank >= nnodes) throw new UserError(`--node-rank ${nodeRank} must be below --nnodes ${nnodes}`);
    if (nnodes > 1 && f.masterAddr === undefined) throw new UserError('--nnodes > 1 needs --master-addr (the address of the machine with --node-rank 0)');
    if (nnodes === 1 && nproc === 1) return undefined; // one process: nothing to launch
    process.exitCode = await launchWorkers({
      nproc, nnodes, nodeRank, masterAddr: f.masterAddr ?? '127.0.0.1', masterPort: f.masterPort ?? (nnodes > 1 ? 29500 : 0), argv: process.argv,
    });
    return 'launched';
  }
  const env = distEnv();
  if (!env) {
    if (f.nodeRank !== undefined || f.masterAddr !== undefined || f.masterPort !== undefined) throw new UserError('--node-rank, --master-addr and --master-port need --nproc or --nnodes');
    return undefined;
  }
  const { DEFAULT_TIMEOUT_MS, joinGroup } = await import('../distributed/group.js');
  const { DataParallel } = await import('../distributed/data-parallel.js');
  const group = await joinGroup(env, (f.distTimeout ?? DEFAULT_TIMEOUT_MS / 1000) * 1000);
  return { rank: env.rank, worldSize: env.worldSize, parallel: new DataParallel(group), close: () => group.destroy() };
}
