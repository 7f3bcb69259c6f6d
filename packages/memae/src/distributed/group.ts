// Joins the c10d process group of a launch environment on the libtorch backend. A group that cannot
// form (wrong world size, unreachable master, port in use, a rank missing) is one UserError line.
import type { ProcessGroup } from 'tfjs-backend-libtorch';
import { initBackend } from '../backend/select.js';
import { UserError } from '../errors/user-error.js';
import type { DistEnv } from './env.js';

export const DEFAULT_TIMEOUT_MS = 300_000;

export async function joinGroup(env: DistEnv, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ProcessGroup> {
  await initBackend('libtorch');
  const { ProcessGroup, DistributedError } = await import('tfjs-backend-libtorch');
  try {
    return ProcessGroup.init({
      rank: env.rank, worldSize: env.worldSize, masterAddr: env.masterAddr, masterPort: env.masterPort, timeoutMs,
      storeServer: env.agentStore ? false : env.rank === 0, storePrefix: env.storePrefix,
    });
  } catch (e) {
    if (e instanceof DistributedError) throw new UserError(e.message);
    throw e;
  }
}
