// A small real slice of KDD Cup 99 for the distributed tests: every `every`-th row of the 10% file
// (attacks and normal connections mixed), written as a headerless CSV in the file's own format.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { kddPath } from '../../../src/data/kdd.js';

export function kddSlice(dir: string, every = 1000): string {
  const lines = gunzipSync(readFileSync(kddPath())).toString('latin1').split('\n');
  const keep = lines.filter((l, i) => l.length > 0 && (i + 1) % every === 0);
  const file = join(dir, `kdd-every-${every}.csv`);
  writeFileSync(file, keep.join('\n') + '\n');
  return file;
}

/** The same slice as a CSV with a header and a 0/1 label column (1 = `normal.`, the protocol's anomaly). */
export function kddSliceCsv(dir: string, every = 1000): string {
  const rows = readFileSync(kddSlice(dir, every), 'latin1').trim().split('\n').map((l) => l.split(','));
  // numeric columns only (the CLI's csv source reads numbers): drop protocol_type, service, flag
  const numeric = (r: string[]) => [r[0], ...r.slice(4, 41)];
  const head = ['duration', ...Array.from({ length: 37 }, (_, k) => `f${k + 5}`), 'label'];
  const out = [head.join(','), ...rows.map((r) => [...numeric(r), r[41] === 'normal.' ? '1' : '0'].join(','))];
  const file = join(dir, `kdd-every-${every}-labelled.csv`);
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}
