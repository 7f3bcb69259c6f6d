// Raw inputs -> a dataset the model scores, through a saved preprocessing (library entry points).
import { ArrayDataset } from '../data/dataset.js';
import { UserError } from '../errors/user-error.js';
import type { Preprocessing } from './index.js';
import { TabularPreprocessor, type RawRecord } from './tabular.js';

/**
 * Raw table records (objects keyed by column name, or values in the saved column order) encoded with a tabular
 * model's saved preprocessing: `det.score(encodeRecords(det.preprocessing, rows))`.
 */
export function encodeRecords(pre: Preprocessing | null, records: RawRecord[]): ArrayDataset {
  if (pre?.kind !== 'tabular') throw new UserError(`encodeRecords needs a tabular preprocessing, got ${pre ? pre.kind : 'none (a model saved before preprocessing was saved)'}`);
  const p = new TabularPreprocessor(pre);
  return new ArrayDataset(p.transformRecords(records), [p.featureCount]);
}
