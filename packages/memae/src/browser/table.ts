// Table rows in the browser: CSV text or records through the model's saved tabular preprocessing (the same code as
// Node, preprocess/tabular.ts), so a row scored in a page equals the row scored by `memae score`.
import { parse } from 'csv-parse/browser/esm/sync';
import type { RawRecord, TabularPreprocessing } from '../preprocess/tabular.js';
import { UserError } from '../errors/user-error.js';

/** Raw CSV text -> records: named by the header when the training file had one, else values in column order. */
export function csvRecords(text: string, spec: TabularPreprocessing): RawRecord[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, delimiter: spec.csv.delimiter }) as string[][];
  } catch (e) {
    throw new UserError(`bad CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!spec.csv.header) {
    // headerless training file: a row may still hold the label at its position
    const labelAt = spec.label && /^c\d+$/.test(spec.label) ? Number(spec.label.slice(1)) : -1;
    return rows.map((r) => (r.length === spec.columns.length + 1 && labelAt >= 0 ? r.filter((_, i) => i !== labelAt) : r));
  }
  const [head, ...data] = rows;
  if (!head || data.length === 0) throw new UserError('CSV has no data rows (the first row is the header)');
  return data.map((r, i) => {
    if (r.length !== head.length) throw new UserError(`CSV row ${i + 1}: ${r.length} fields, the header has ${head.length}`);
    return Object.fromEntries(head.map((k, j) => [k, r[j]]));
  });
}
