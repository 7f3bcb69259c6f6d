// The launch environment torchrun, torch.distributed.launch, Kubernetes' PyTorchJob and Slurm (with
// MASTER_ADDR exported) give each worker: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT;
// under torchelastic's agent store (TORCHELASTIC_USE_AGENT_STORE) the agent serves the TCPStore.
import { UserError } from '../errors/user-error.js';

export interface DistEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
  /** the TCPStore is served by a launcher's agent, not by rank 0 */
  agentStore: boolean;
  /** key prefix of torchelastic's agent store */
  storePrefix: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = env[name];
  if (v === undefined || !/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
    throw new UserError(`environment variable ${name} must be an integer ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got ${v === undefined ? 'nothing' : `'${v}'`}`);
  }
  return Number(v);
}

/** The worker's place in the group, or undefined when the environment names no group (WORLD_SIZE unset). */
export function distEnv(env: Env = process.env): DistEnv | undefined {
  let e = env;
  if (env.WORLD_SIZE === undefined && env.SLURM_NTASKS !== undefined && env.MASTER_ADDR !== undefined && Number(env.SLURM_NTASKS) > 1) {
    e = { ...env, WORLD_SIZE: env.SLURM_NTASKS, RANK: env.SLURM_PROCID, LOCAL_RANK: env.SLURM_LOCALID };
  }
  if (e.WORLD_SIZE === undefined) return undefined;
  const worldSize = int(e, 'WORLD_SIZE', 1);
  const rank = int(e, 'RANK', 0);
  if (rank >= worldSize) throw new UserError(`RANK ${rank} is outside WORLD_SIZE ${worldSize} (ranks are 0..${worldSize - 1})`);
  const agentStore = e.TORCHELASTIC_USE_AGENT_STORE === 'True';
  return {
    rank,
    worldSize,
    localRank: e.LOCAL_RANK === undefined ? rank : int(e, 'LOCAL_RANK', 0),
    masterAddr: e.MASTER_ADDR ?? '127.0.0.1',
    masterPort: e.MASTER_PORT === undefined ? 29500 : int(e, 'MASTER_PORT', 1, 65535),
    agentStore,
    storePrefix: agentStore ? `/worker/attempt_${e.TORCHELASTIC_RESTART_COUNT ?? '0'}` : '',
  };
}
