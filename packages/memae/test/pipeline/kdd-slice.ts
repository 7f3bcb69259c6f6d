// A small real table for the pipeline tests: every `every`-th row of KDD Cup 99 (10%), with a header row.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { KDD_COLUMNS, kddPath } from '../../src/data/kdd.js';

export const HEADER = [...KDD_COLUMNS]; // the last one is 'label'

/** The first `rows` rows taken every `every` lines, as string fields (label last, e.g. "normal.", "smurf."). */
export function kddRows(rows: number, every = 700): string[][] {
  const lines = gunzipSync(readFileSync(kddPath())).toString('utf8').split('\n');
  const out: string[][] = [];
  for (let i = 0; i < lines.length && out.length < rows; i += every) if (lines[i]) out.push(lines[i].split(','));
  return out;
}

/** Writes rows (and the header unless `header` is false) as a CSV file. */
export function writeCsv(path: string, rows: string[][], header: string[] | false = HEADER): string {
  writeFileSync(path, [...(header ? [header] : []), ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return path;
}
