// Parsed CSV rows, as in the training file, to raw records for the saved tabular preprocessing: one rule for the
// service and the browser (no Node built-ins).
import { UserError } from '../errors/user-error.js';
import type { RawRecord, TabularPreprocessing } from './tabular.js';

/** Rows named by the header when the training file had one (data rows counted from 1), else values in column order. */
export function rowsToRecords(rows: string[][], spec: TabularPreprocessing): RawRecord[] {
  if (!spec.csv.header) {
    // headerless training file: columns c0, c1, ...; a row may still hold the label at its position
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
