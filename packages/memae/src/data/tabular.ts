// Tabular datasets from a CSV/TSV file: read, fit preprocessing (on training rows only), encode.
import { ArrayDataset } from './dataset.js';
import { TabularPreprocessor, type FitOptions } from './preprocess.js';
import { readTable, type ReadTableOptions, type Table } from './table.js';

const pick = <T extends Uint8Array | Int32Array>(a: T | undefined, rows: ArrayLike<number> | undefined, make: (n: number) => T): T | undefined => {
  if (!a || !rows) return a;
  const o = make(rows.length);
  for (let i = 0; i < rows.length; i++) o[i] = a[rows[i]];
  return o;
};

/** The rows of `table` (all or `rows`) encoded by `pre`, with the table's labels and classes. */
export function tableDataset(table: Table, pre: TabularPreprocessor, rows?: ArrayLike<number>): ArrayDataset {
  return new ArrayDataset(
    pre.transform(table, rows),
    [pre.featureCount],
    pick(table.labels, rows, (n) => new Uint8Array(n)),
    pick(table.classes, rows, (n) => new Int32Array(n)),
  );
}

/**
 * Loads a CSV/TSV file as a dataset. Without `preprocessor`, one is fitted on this file (use it for training data
 * and pass the result to later loads of validation/test/new data).
 */
export async function loadCsv(
  path: string,
  o: ReadTableOptions & { preprocessor?: TabularPreprocessor; fit?: FitOptions } = {},
): Promise<{ dataset: ArrayDataset; preprocessor: TabularPreprocessor; table: Table }> {
  const table = await readTable(path, o);
  const preprocessor = o.preprocessor ?? TabularPreprocessor.fit(table, o.fit);
  return { dataset: tableDataset(table, preprocessor), preprocessor, table };
}
