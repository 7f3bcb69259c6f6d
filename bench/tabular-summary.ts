// Rebuilds the tabular benchmark's table and JSON from the rows runs printed: a run stopped before its end, or
// runs of different seeds put together (concatenate their .rows.jsonl files or their JSON `rows`):
//   npx tsx bench/tabular-summary.ts --rows bench/results/NAME.rows.jsonl --name NAME --argv="..." [--note "..."]
//   npx tsx bench/tabular-summary.ts --log run.log ...   (the run's stderr lines "SET seed N METHOD: AUROC x (y s)";
//                                                         average precision is not in those lines)
// Only sets with every method on every listed seed enter the table and means; the JSON keeps every row.
import { readFileSync } from 'node:fs';
import { benchArgs } from './lib/args.js';
import { listSets } from './tabular-data.js';
import { report, type Row } from './tabular-report.js';

const { values: a } = benchArgs(import.meta.url, { options: { rows: { type: 'string' }, log: { type: 'string' }, name: { type: 'string' }, argv: { type: 'string', default: '' }, note: { type: 'string' }, validation: { type: 'boolean', default: false } } });
let rows: Row[];
if (a.rows) rows = readFileSync(a.rows, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
else if (a.log) {
  rows = readFileSync(a.log, 'utf8').split('\n').flatMap((l) => {
    const m = l.match(/^(\S+) seed (\d+) (\S+): AUROC ([\d.]+) \(([\d.]+) s\)$/);
    return m ? [{ set: m[1], seed: Number(m[2]), method: m[3], auroc: Number(m[4]), ap: Number.NaN, seconds: Number(m[5]) }] : [];
  });
} else throw new Error('give --rows or --log');
const all = listSets();
const seeds = [...new Set(rows.map((r) => r.seed))].sort((x, y) => x - y);
const methods = [...new Set(rows.map((r) => r.method.split('/')[0]))];
const names = [...new Set(rows.map((r) => r.method))];
const complete = (set: string) => names.every((m) => seeds.every((sd) => rows.some((r) => r.set === set && r.method === m && r.seed === sd)));
const sets = all.map((s) => s.name).filter(complete);
const note = `${a.note ?? 'Rebuilt from the rows of a run stopped early (bench/tabular-summary.ts).'} ${sets.length} complete sets.\n\n`;
const { header, table, out } = report({ rows, sets, seeds, methods, all, validation: a.validation, name: a.name, argv: a.argv!.split(' ').filter(Boolean), seconds: rows.reduce((t, r) => t + r.seconds, 0), note });
console.log(header + table);
console.log(`wrote ${out.json}, ${out.md}`);
