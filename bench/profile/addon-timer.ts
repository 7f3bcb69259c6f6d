// Wraps every function of the libtorch addon so that, while `active()` is true, each call's wall time is reported
// to `record(name, ms)` (the profilers' way of splitting a step into native time and the rest).
export function timeAddonCalls(addon: Record<string, unknown>, active: () => boolean, record: (name: string, ms: number) => void): void {
  for (const name of Object.keys(addon)) {
    const f = addon[name];
    if (typeof f !== 'function') continue;
    addon[name] = (...args: unknown[]) => {
      if (!active()) return f(...args);
      const t0 = performance.now();
      try { return f(...args); } finally { record(name, performance.now() - t0); }
    };
  }
}
