// Starts test ranks as child processes on 127.0.0.1 (torchrun's environment) and collects their output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../src/distributed/launch.js';

export const RANK_SCRIPT = fileURLToPath(new URL('./rank.ts', import.meta.url));

export interface RankRun {
  child: ChildProcess;
  /** exit code, stdout, stderr and seconds from start to exit */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }>;
  /** stdout so far */
  out: () => string;
}

export function startRank(args: string[], env: Record<string, string>): RankRun {
  const child = spawn(process.execPath, ['--import', 'tsx', RANK_SCRIPT, ...args], {
    env: { ...process.env, LIBTORCH_NUM_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const t0 = performance.now();
  const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }>((resolve) => {
    child.on('close', (code, signal) => { clearTimeout(killer); resolve({ code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 }); });
  });
  return { child, done, out: () => stdout };
}

/** `world` ranks of rank.ts with the same arguments; resolves with each rank's last JSON line. */
export async function runRanks(world: number, args: string[], extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const port = String(await freePort());
  const runs = Array.from({ length: world }, (_, r) => startRank(args, { ...extraEnv, RANK: String(r), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port }));
  const results = await Promise.all(runs.map((r) => r.done));
  return results.map((r, k) => {
    if (r.code !== 0) throw new Error(`rank ${k} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  });
}

/** rank.ts alone, without a group (the single-process reference). */
export async function runSingle(args: string[], extraEnv: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const r = await startRank(args, extraEnv).done;
  if (r.code !== 0) throw new Error(`single process exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
