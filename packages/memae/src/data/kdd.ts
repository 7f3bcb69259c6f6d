// KDD Cup 99 (10% file) under the MemAE / DAGMM protocol:
//  - the `normal.` connections (~20%) are the anomaly class; every attack row is "normal";
//  - protocol_type, service, flag one-hot encoded with the vocabulary of the whole file read;
//    the 38 numeric columns min-max scaled with minimum / maximum of the training rows only;
//  - a seeded half of the "normal" rows is the training set; the test set is the other half plus all anomalies;
//  - threshold at the (1 - 0.2) quantile of the scores (20% contamination), report P / R / F1 of the anomaly class.
import { ArrayDataset } from './dataset.js';
import { permutation } from './random.js';
import { TabularPreprocessor } from './preprocess.js';
import { readTable, type Table } from './table.js';
import { tableDataset } from './tabular.js';
import { sharedDataset } from './shared.js';
import { UserError } from '../errors/user-error.js';

export const KDD_COLUMNS = [
  'duration', 'protocol_type', 'service', 'flag', 'src_bytes', 'dst_bytes', 'land', 'wrong_fragment', 'urgent', 'hot',
  'num_failed_logins', 'logged_in', 'num_compromised', 'root_shell', 'su_attempted', 'num_root', 'num_file_creations',
  'num_shells', 'num_access_files', 'num_outbound_cmds', 'is_host_login', 'is_guest_login', 'count', 'srv_count',
  'serror_rate', 'srv_serror_rate', 'rerror_rate', 'srv_rerror_rate', 'same_srv_rate', 'diff_srv_rate',
  'srv_diff_host_rate', 'dst_host_count', 'dst_host_srv_count', 'dst_host_same_srv_rate', 'dst_host_diff_srv_rate',
  'dst_host_same_src_port_rate', 'dst_host_srv_diff_host_rate', 'dst_host_serror_rate', 'dst_host_srv_serror_rate',
  'dst_host_rerror_rate', 'dst_host_srv_rerror_rate', 'label',
];
export const KDD_CATEGORICAL = ['protocol_type', 'service', 'flag'];
/** the protocol's contamination ratio: threshold at the 80th percentile of the scores */
export const KDD_CONTAMINATION = 0.2;

export interface KddOptions {
  /** seed of the train/test split of the attack ("normal") rows */
  seed?: number;
  /** read only the first `limit` rows of the file (tests, quick runs); the vocabulary then comes from those rows */
  limit?: number;
  /** path of the file; default shared/datasets/kddcup99/kddcup.data_10_percent.gz */
  path?: string;
  /** fraction of the "normal" rows used for training (protocol: 0.5) */
  trainFraction?: number;
  /** numeric columns scaled as log1p before min-max (TabularPreprocessor's `log`); default none, as the protocol */
  log?: 'auto' | string[];
}

export interface KddData {
  train: ArrayDataset;
  test: ArrayDataset;
  preprocessor: TabularPreprocessor;
  table: Table;
  /** row indices into `table` of train and test */
  trainRows: Int32Array;
  testRows: Int32Array;
}

export const kddPath = (): string => sharedDataset('kddcup99', 'kddcup.data_10_percent.gz');

/** Reads the KDD file (all rows, or the first `limit`) with the protocol's columns and labels. */
export function readKddTable(o: Pick<KddOptions, 'path' | 'limit'> = {}): Promise<Table> {
  return readTable(o.path ?? kddPath(), { header: KDD_COLUMNS, labelColumn: 'label', categorical: KDD_CATEGORICAL, anomalyLabels: ['normal.'], limit: o.limit });
}

/** The protocol's seeded split and preprocessing of an already read table (re-split without re-reading). */
export function kddSplit(table: Table, o: Pick<KddOptions, 'seed' | 'trainFraction' | 'log'> = {}): KddData {
  const seed = o.seed ?? 0;
  const frac = o.trainFraction ?? 0.5;
  if (!(frac > 0 && frac < 1)) throw new UserError(`trainFraction must be in (0, 1), got ${frac}`);
  const normal: number[] = [];
  const anomalous: number[] = [];
  for (let i = 0; i < table.rows; i++) (table.labels![i] ? anomalous : normal).push(i);
  if (normal.length < 2 || anomalous.length === 0) throw new UserError(`${table.path}: needs both attack and normal. rows (found ${normal.length} and ${anomalous.length})`);
  const perm = permutation(normal.length, seed);
  const nTrain = Math.round(frac * normal.length);
  const trainRows = Int32Array.from(perm.subarray(0, nTrain), (k) => normal[k]).sort();
  const testRows = Int32Array.from([...Array.from(perm.subarray(nTrain), (k) => normal[k]), ...anomalous]).sort();
  const preprocessor = TabularPreprocessor.fit(table, { rows: trainRows, vocabulary: TabularPreprocessor.vocabularyOf(table), ...(o.log ? { log: o.log } : {}) });
  return {
    train: tableDataset(table, preprocessor, trainRows),
    test: tableDataset(table, preprocessor, testRows),
    preprocessor,
    table,
    trainRows,
    testRows,
  };
}

/** Reads the file and applies the protocol (see the file header). */
export async function loadKdd(o: KddOptions = {}): Promise<KddData> {
  return kddSplit(await readKddTable(o), o);
}
