// CSV tables for the CLI: the training split (seeded; normal rows or all rows), preprocessing fitted on the
// training rows only, and new files read and encoded through a saved model's preprocessing (no refit, no split).
import type { Readable } from 'node:stream';
import { ArrayDataset } from '../data/dataset.js';
import { permutation } from '../data/random.js';
import { distinctIndices } from '../data/distinct.js';
import { LABEL_LIKE, readHeader, readTable, type ColumnRef, type ReadTableOptions, type Table } from '../data/table.js';
import { UserError } from '../errors/user-error.js';
import { TabularPreprocessor } from '../preprocess/tabular.js';
import type { RunConfig } from './config.js';

type DataCfg = RunConfig['data'];

export interface EncodedTable {
  dataset: ArrayDataset;
  table: Table;
  /** one id per row: "FILE#ROW" (data rows counted from 1, header excluded) */
  ids: string[];
}

const rowIds = (path: string, rows: ArrayLike<number>): string[] => Array.from(rows, (i) => `${path}#${i + 1}`);

const labelRule = (cfg: DataCfg): Pick<ReadTableOptions, 'anomalyLabels' | 'normalLabels'> => ({ anomalyLabels: cfg.anomalyLabels, normalLabels: cfg.normalLabels });

/** The label column to read: the configured one, none, or an error when a column looks like a forgotten label. */
async function labelColumnOf(path: string, cfg: DataCfg): Promise<ColumnRef | null> {
  if (cfg.labelColumn !== undefined) return cfg.labelColumn;
  const names = await readHeader(path, { delimiter: cfg.delimiter, header: cfg.header });
  const like = names.find((n) => LABEL_LIKE.test(n));
  if (like) throw new UserError(`${path}: column "${like}" looks like a label: pass --label-column ${like} (or --label-column none to use it as a feature)`);
  return null;
}

/** Training rows and test rows of a labelled table: seeded, per `trainOn`; with a separate test file, every row trains. */
function splitRows(table: Table, cfg: DataCfg, seed: number): { train: Int32Array; test: Int32Array } {
  const all = Int32Array.from({ length: table.rows }, (_, i) => i);
  const labels = table.labels!;
  const trainOn = cfg.trainOn ?? 'normal';
  if (cfg.testData) return { train: trainOn === 'all' ? all : all.filter((i) => labels[i] === 0), test: new Int32Array(0) };
  // half of each class to training (trainOn all: anomalies too, as contamination); the rest is the test set
  const train: number[] = [];
  for (const cls of trainOn === 'all' ? [0, 1] : [0]) {
    const rows = all.filter((i) => labels[i] === cls);
    const perm = permutation(rows.length, seed);
    for (let k = 0; k < Math.floor(rows.length / 2); k++) train.push(rows[perm[k]]);
  }
  const inTrain = new Set(train);
  return { train: Int32Array.from(train).sort(), test: all.filter((i) => !inTrain.has(i)) };
}

export interface CsvTraining {
  train: ArrayDataset;
  test?: EncodedTable;
  preprocessor: TabularPreprocessor;
  description: string;
}

/** `memae train --data csv`: the training rows, the preprocessing fitted on them, and the test rows (when any). */
export async function loadCsvTraining(cfg: DataCfg, seed: number): Promise<CsvTraining> {
  const path = cfg.path!;
  const labelColumn = await labelColumnOf(path, cfg);
  const table = await readTable(path, { labelColumn, delimiter: cfg.delimiter, header: cfg.header, missing: cfg.missing === 'impute' ? 'keep' : 'error', ...labelRule(cfg) });
  const all = Int32Array.from({ length: table.rows }, (_, i) => i);
  const split = table.labels ? splitRows(table, cfg, seed) : { train: all, test: new Int32Array(0) };
  if (split.train.length === 0) throw new UserError(`${path}: no training rows (${cfg.trainOn === 'all' ? 'empty file' : 'no normal rows: use --train-on all, or check --normal-labels'})`);
  const delimiter = cfg.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  const preprocessor = TabularPreprocessor.fit(table, {
    rows: split.train, unseen: cfg.unseen, missing: cfg.missing, log: cfg.logColumns, label: table.labelName ?? null,
    labelValues: table.labelName && (cfg.anomalyLabels || cfg.normalLabels) ? { anomaly: cfg.anomalyLabels, normal: cfg.normalLabels } : undefined,
    csv: { header: cfg.header ?? true, delimiter },
  });
  const encoded = new ArrayDataset(preprocessor.transform(table, split.train), [preprocessor.featureCount]);
  // --dedup: each distinct encoded training row once (files that repeat a few rows thousands of times)
  const train = cfg.dedup ? encoded.subset(distinctIndices(encoded)) : encoded;
  const features = `${preprocessor.featureCount} features${cfg.dedup ? `, ${train.size} distinct training rows` : ''}`;
  if (cfg.testData) {
    const test = await readWithModel(cfg.testData, preprocessor, cfg);
    return { train, test, preprocessor, description: `CSV ${path} (${features}; ${split.train.length} ${cfg.trainOn === 'all' || !table.labels ? '' : 'normal '}rows train), test ${cfg.testData}` };
  }
  if (!table.labels) {
    return { train, preprocessor, description: `CSV ${path} (${features}; no label column: unsupervised, all ${table.rows} rows train, no test set)` };
  }
  const test: EncodedTable = {
    dataset: new ArrayDataset(preprocessor.transform(table, split.test), [preprocessor.featureCount], pick(table.labels, split.test)),
    table,
    ids: rowIds(path, split.test),
  };
  const half = cfg.trainOn === 'all' ? 'half of each class trains' : 'half of the normal rows train';
  return { train, test, preprocessor, description: `CSV ${path} (${features}; seed ${seed}: ${half}, the other ${split.test.length} rows test)` };
}

const pick = (a: Uint8Array, rows: Int32Array): Uint8Array => Uint8Array.from(rows, (i) => a[i]);

/**
 * Every row of a CSV file (or `stream`, e.g. stdin) encoded with a saved model's preprocessing, in file order: the
 * model's columns (any order; missing or extra ones are errors), its label column read apart when present (labels
 * by the saved label values unless `cfg` names others; with `labels` false the label values are not checked).
 */
export async function readWithModel(path: string, pre: TabularPreprocessor, cfg: Partial<DataCfg> = {}, stream?: Readable, labels = true): Promise<EncodedTable> {
  const s = pre.spec;
  const rule = !labels
    ? { anomalyLabels: [] } // every value reads as normal: scoring ignores the label column
    : cfg.anomalyLabels || cfg.normalLabels ? labelRule(cfg as DataCfg) : { anomalyLabels: s.labelValues?.anomaly, normalLabels: s.labelValues?.normal };
  const table = await readTable(path, {
    stream, delimiter: cfg.delimiter ?? s.csv.delimiter, header: cfg.header ?? s.csv.header,
    labelColumn: s.label, labelOptional: true, expectColumns: s.columns.map((c) => c.name), categorical: pre.categoricalNames(),
    missing: s.missing === 'impute' ? 'keep' : 'error', ...rule,
  });
  return { dataset: new ArrayDataset(pre.transform(table), [pre.featureCount], labels ? table.labels : undefined), table, ids: rowIds(path, Array.from({ length: table.rows }, (_, i) => i)) };
}

/** Models saved before preprocessing was: the file is encoded by a preprocessing fitted on itself (all rows, no split). */
export async function readWithoutModel(path: string, cfg: Partial<DataCfg>, stream?: Readable): Promise<EncodedTable> {
  const table = await readTable(path, { stream, delimiter: cfg.delimiter, header: cfg.header, labelColumn: cfg.labelColumn ?? null, ...labelRule(cfg as DataCfg) });
  const pre = TabularPreprocessor.fit(table);
  return { dataset: new ArrayDataset(pre.transform(table), [pre.featureCount], table.labels), table, ids: rowIds(path, Array.from({ length: table.rows }, (_, i) => i)) };
}
