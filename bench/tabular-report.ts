// The tabular benchmark's report: mean AUROC ± std over seeds per set and method, the mean over sets (± over
// seeds), mean average precision; JSON + Markdown under bench/results/.
import { markdownTable, writeResults } from './lib/results.js';
import { fmt, mean } from './lib/stats.js';
import type { SetInfo } from './tabular-data.js';

export interface Row { set: string; seed: number; method: string; auroc: number; ap: number; seconds: number }

/** The table (mean AUROC ± std over seeds per set and method; mean over sets ± over seeds) and the result files. */
export function report(o: { rows: Row[]; sets: string[]; seeds: number[]; methods: string[]; all: SetInfo[]; validation?: boolean; name?: string; argv: string[]; seconds: number; note?: string }) {
  const { rows, sets, seeds, methods, all } = o;
  const cell = (set: string, m: string, k: 'auroc' | 'ap') => rows.filter((r) => r.set === set && r.method === m).map((r) => r[k]);
  const perSetMean = (m: string, k: 'auroc' | 'ap') => sets.map((s) => mean(cell(s, m, k)));
  const names = [...new Set(rows.map((r) => r.method))].sort((u, v) => methods.indexOf(u.split('/')[0]) - methods.indexOf(v.split('/')[0]) || u.localeCompare(v));
  const summary = names.map((m) => ({
    method: m,
    meanAuroc: mean(perSetMean(m, 'auroc')),
    meanAp: mean(perSetMean(m, 'ap')),
    // mean over sets of each seed's AUROC: the spread of the headline figure across seeds
    seedSpread: seeds.map((sd) => mean(sets.map((s) => rows.find((r) => r.set === s && r.method === m && r.seed === sd)?.auroc ?? NaN))),
    seconds: rows.filter((r) => r.method === m).reduce((t, r) => t + r.seconds, 0),
  }));
  const table = markdownTable(['set', ...names], [
    ...sets.map((s) => [s, ...names.map((m) => fmt(cell(s, m, 'auroc'), 3))]),
    ['**mean AUROC**', ...summary.map((x) => `**${fmt(x.seedSpread, 3)}**`)],
    ['mean AP', ...summary.map((x) => (Number.isNaN(x.meanAp) ? '-' : x.meanAp.toFixed(3)))],
  ]);
  const command = `LIBTORCH_NUM_THREADS=1 npx tsx bench/tabular.ts ${o.argv.join(' ')}`.trim();
  const name = o.name ?? (o.validation ? 'tabular-validation' : 'tabular');
  const header = `${o.note ?? ''}# Tabular benchmark${o.validation ? ' (validation parts of the training data)' : ''}\n\n\`${command}\`\n\nAUROC mean ± std over seeds ${seeds.join(', ')}; last rows: mean over ${sets.length} sets (± over seeds).\n\n`;
  const out = writeResults(name, { command, seeds, sets: all.filter((s) => sets.includes(s.name)), methods, validation: o.validation, summary, rows, seconds: o.seconds }, header + table);
  return { header, table, out };
}
