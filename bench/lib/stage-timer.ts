// Per-stage timing of a training step for the distributed benchmark: wall time (includes waiting for
// peers) and this process's CPU time (robust to a loaded machine; with one compute thread it is the work).
import { readdirSync, readFileSync } from 'node:fs';

interface Mark { wall: number; cpu: number }

export class StageTimer {
  private readonly wall = new Map<string, number>();
  private readonly cpu = new Map<string, number>();

  start(): Mark {
    const c = process.cpuUsage();
    return { wall: performance.now(), cpu: (c.user + c.system) / 1000 };
  }

  /** adds the time since `from` to `name` (when `on`), returns a new mark */
  add(name: string, from: Mark, on = true): Mark {
    const now = this.start();
    if (on) {
      this.wall.set(name, (this.wall.get(name) ?? 0) + now.wall - from.wall);
      this.cpu.set(name, (this.cpu.get(name) ?? 0) + now.cpu - from.cpu);
    }
    return now;
  }

  perStep(steps: number): Record<string, { wall: number; cpu: number }> {
    return Object.fromEntries([...this.wall].map(([k, w]) => [k, { wall: w / steps, cpu: (this.cpu.get(k) ?? 0) / steps }]));
  }
}

/**
 * This process's threads and their CPU milliseconds, busiest first (Linux /proc; [] elsewhere): with one
 * compute thread, CPU time on any other thread is Gloo's or a pool's (spinning shows here).
 */
export function threadCpu(): { tid: number; name: string; cpuMs: number }[] {
  try {
    const out = readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime in clock ticks (USER_HZ 100 on Linux)
      return { tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (Number(f[11]) + Number(f[12])) * 10 };
    });
    return out.sort((p, q) => q.cpuMs - p.cpuMs);
  } catch {
    return [];
  }
}

/** CPU milliseconds each thread used between two threadCpu() samples, busiest first (tid: ms; zeros left out). */
export function threadDelta(before: ReturnType<typeof threadCpu>, after: ReturnType<typeof threadCpu>): Record<string, number> {
  const b = new Map(before.map((t) => [t.tid, t.cpuMs]));
  return Object.fromEntries(after.map((t) => [`${t.name}/${t.tid}`, t.cpuMs - (b.get(t.tid) ?? 0)] as const).filter(([, v]) => v > 0).sort((p, q) => q[1] - p[1]));
}
