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

/** CPU milliseconds of each thread of this process, summed by thread name (Linux /proc; {} elsewhere). */
export function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    const tick = 10; // USER_HZ 100 on Linux
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * tick;
    }
  } catch { /* not Linux */ }
  return out;
}
