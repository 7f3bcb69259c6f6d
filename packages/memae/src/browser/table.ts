// Table rows in the browser: CSV text or records through the model's saved tabular preprocessing (the same code as
// Node, preprocess/tabular.ts), so a row scored in a page equals the row scored by `memae score`.
import { parse } from 'csv-parse/browser/esm/sync';
import type { RawRecord, TabularPreprocessing } from '../preprocess/tabular.js';
import { UserError } from '../errors/user-error.js';
import { rowsToRecords } from '../preprocess/csv-records.js';

/** Raw CSV text -> records (preprocess/csv-records.ts: named by the header when the training file had one). */
export function csvRecords(text: string, spec: TabularPreprocessing): RawRecord[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, delimiter: spec.csv.delimiter }) as string[][];
  } catch (e) {
    throw new UserError(`bad CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  return rowsToRecords(rows, spec);
}
