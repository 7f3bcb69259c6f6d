// The page for a tabular model: drop a CSV file, every row goes through the model's saved preprocessing (the same
// code as Node, preprocess/tabular.ts) and gets a score; a row scored alone scores as inside a file.
import { parse } from 'csv-parse/browser/esm/sync';
import { TabularPreprocessor, type RawRecord } from '../../src/preprocess/tabular.js';
import type { BrowserModel } from './load-model.js';

/** Raw CSV text -> records, with the header (when the model's training file had one) naming the columns. */
export function csvRecords(text: string, pre: TabularPreprocessor): RawRecord[] {
  const rows = parse(text, { skip_empty_lines: true, trim: true, delimiter: pre.spec.csv.delimiter }) as string[][];
  if (!pre.spec.csv.header) {
    const labelAt = pre.spec.label && /^c\d+$/.test(pre.spec.label) ? Number(pre.spec.label.slice(1)) : -1;
    return rows.map((r) => (r.length === pre.columns.length + 1 && labelAt >= 0 ? r.filter((_, i) => i !== labelAt) : r));
  }
  const [head, ...data] = rows;
  return data.map((r, i) => {
    if (r.length !== head.length) throw new Error(`row ${i + 1}: ${r.length} fields, the header has ${head.length}`);
    return Object.fromEntries(head.map((k, j) => [k, r[j]]));
  });
}

/** Scores every row of a CSV file; returns the scores in file order. */
export async function scoreCsvFile(model: BrowserModel, file: Blob): Promise<Float32Array> {
  if (model.preprocessing?.kind !== 'tabular') throw new Error('this model has no saved tabular preprocessing');
  const pre = new TabularPreprocessor(model.preprocessing);
  const recs = csvRecords(await file.text(), pre);
  return model.score(pre.transformRecords(recs, 'row'), recs.length);
}

/** Shows the scores as a table of rows (first 200). */
export function showScores(el: HTMLElement, scores: Float32Array, threshold: number | null): void {
  const rows = Array.from(scores.slice(0, 200), (s, i) => {
    const verdict = threshold === null ? '-' : s > threshold ? '<span class="anomaly">anomaly</span>' : '<span class="normal">normal</span>';
    return `<tr><td>row ${i + 1}</td><td>${s.toPrecision(5)}</td><td>${verdict}</td></tr>`;
  });
  el.innerHTML = `<table><tr><td>row</td><td>score</td><td></td></tr>${rows.join('')}</table>` + (scores.length > 200 ? `<p>... ${scores.length - 200} more rows</p>` : '');
}
