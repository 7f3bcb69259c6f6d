// The timing harness of the per-layer kernel profiles (b1-kernels.ts, video3d-b1-kernels.ts): layers called on the
// addon directly, each alone and all in sequence, CPU us per call (process.cpuUsage over a chunk of calls; median of
// the rounds' chunks), with variants of the native switches alternating chunk by chunk in one process (so the
// machine's load hits them alike). Prints a table and one JSON line.
import { loadAddon } from 'tfjs-backend-libtorch';

export type Addon = Record<string, (...args: unknown[]) => number>;
export interface Layer { name: string; run: (x: number) => number; input: number[] }

/** The addon with `LIBTORCH_NUM_THREADS` threads, and a tensor of uniform values in [-0.5, 0.5). */
export function profileAddon(): { a: Addon; rnd: (shape: number[]) => number } {
  const a = loadAddon() as unknown as Addon;
  a.setThreads(Number(process.env.LIBTORCH_NUM_THREADS ?? 1));
  return { a, rnd: (s) => a.write(Float32Array.from({ length: s.reduce((x, y) => x * y, 1) }, () => Math.random() - 0.5), s, 0) };
}

export interface TimingOptions {
  /** `;`-separated variants, each `switch=value,...`, applied by `apply` */
  variants: string;
  apply: (key: string, value: string) => void;
  rounds: number;
  calls: number;
  /** calls per task and variant before the first round */
  warm: number;
  /** calls before each timed chunk */
  prime: number;
  /** layers whose name contains this only; empty = all, plus the sequence */
  only?: string;
  /** printed name column width and digits */
  width: number;
  digits: number;
  /** fields of the JSON line besides the variants */
  meta: Record<string, unknown>;
}

export function profileLayers(a: Addon, layers: Layer[], inputs: number[], o: TimingOptions): void {
  const picked = layers.filter((l) => !o.only || l.name.includes(o.only));
  const tasks: [string, () => void][] = picked.map((l) => [l.name, () => a.free(l.run(inputs[layers.indexOf(l)]))]);
  if (!o.only) {
    // the layers in sequence on fresh results, as a replay runs them (each freed after use)
    tasks.push([`sequence (${layers.length} layers)`, () => {
      let x = inputs[0];
      for (const l of layers) { const y = l.run(x); if (x !== inputs[0]) a.free(x); x = y; }
      a.free(x);
    }]);
  }
  const variants = o.variants.split(';').map((v) => v.trim()).filter(Boolean);
  const apply = (v: string) => { for (const kv of v.split(',')) { const [k, val] = kv.split('='); if (val !== undefined) o.apply(k, val); } };
  const per = new Map<string, Map<string, number[]>>(variants.map((v) => [v, new Map(tasks.map(([n]) => [n, [] as number[]]))]));
  for (const v of variants) { apply(v); for (const [, f] of tasks) for (let i = 0; i < o.warm; i++) f(); }
  for (let r = 0; r < o.rounds; r++) {
    for (const v of variants) {
      apply(v);
      for (const [name, f] of tasks) {
        for (let i = 0; i < o.prime; i++) f();
        const c0 = process.cpuUsage();
        for (let i = 0; i < o.calls; i++) f();
        const c = process.cpuUsage(c0);
        per.get(v)!.get(name)!.push((c.user + c.system) / o.calls);
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
  console.log(['kernel'.padEnd(o.width), ...variants.map((v) => v.padEnd(18))].join(' '));
  for (const [name] of tasks) console.log([name.padEnd(o.width), ...variants.map((v) => med(per.get(v)!.get(name)!).toFixed(o.digits).padEnd(18))].join(' '));
  console.log(JSON.stringify({ side: 'ours', ...o.meta, variants: Object.fromEntries(variants.map((v) => [v, Object.fromEntries([...per.get(v)!].map(([n, xs]) => [n, med(xs)]))])) }));
}
