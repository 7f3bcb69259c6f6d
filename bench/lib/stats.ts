// Summary statistics for benchmark tables.
export const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

/** Sample standard deviation (n - 1); 0 for a single value. */
export function std(a: number[]): number {
  if (a.length < 2) return 0;
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
}

/** "0.9512 ± 0.0031" (± omitted for one run). */
export const fmt = (a: number[], digits = 4): string => (a.length === 0 ? '-' : a.length === 1 ? a[0].toFixed(digits) : `${mean(a).toFixed(digits)} ± ${std(a).toFixed(digits)}`);
