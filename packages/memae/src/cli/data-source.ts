// The CLI's data sources, resolved through the data loaders: IDX image sets (Fashion-MNIST, MNIST) with the
// one-class protocol, one-class image folders, CSV tables.
import type { Dataset } from '../data/dataset.js';
import { loadNormalTestFolders } from '../data/image-folder.js';
import { FASHION_MNIST_CLASSES, loadFashionMnist, loadMnist, MNIST_CLASSES } from '../data/mnist.js';
import { TabularPreprocessor } from '../data/preprocess.js';
import { permutation } from '../data/random.js';
import { oneClassSplit, select } from '../data/split.js';
import { readTable } from '../data/table.js';
import { tableDataset } from '../data/tabular.js';
import { UserError } from '../errors/user-error.js';
import type { RunConfig } from './config.js';

export interface LoadedData {
  /** normal training samples (undefined when only a test set is asked for) */
  train?: Dataset;
  test?: Dataset;
  /** names of `test.classes` when known */
  classNames?: string[];
  /** one line describing the data, for logs and reports */
  description: string;
}

/** `limit` samples spread evenly over `ds` (keeps the class mix of a shuffled set), or `ds` itself. */
export function spread(ds: Dataset, limit: number | undefined): Dataset {
  if (!limit || limit >= ds.size) return ds;
  const idx = Int32Array.from({ length: limit }, (_, i) => Math.floor((i * ds.size) / limit));
  return select(ds, idx);
}

export async function loadData(cfg: RunConfig['data'], want: { train: boolean }): Promise<LoadedData> {
  switch (cfg.source) {
    case 'fashion-mnist':
    case 'mnist': {
      const load = cfg.source === 'mnist' ? loadMnist : loadFashionMnist;
      const names = cfg.source === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES;
      if (cfg.normalClass >= names.length) throw new UserError(`normalClass ${cfg.normalClass}: ${cfg.source} has classes 0-${names.length - 1}`);
      const test = await load({ split: 'test', dir: cfg.path });
      // one-class split needs a train set; when only testing, the test set is split against itself
      const train = want.train ? await load({ split: 'train', dir: cfg.path }) : test;
      const s = oneClassSplit(train, test, cfg.normalClass);
      return {
        train: want.train ? spread(s.train, cfg.trainLimit) : undefined,
        test: spread(s.test, cfg.testLimit),
        classNames: names,
        description: `${cfg.source}, normal class ${cfg.normalClass} (${names[cfg.normalClass]}), other classes anomalous`,
      };
    }
    case 'folder': {
      if (!cfg.path) throw new UserError('data source folder needs a path (--data-path DIR with DIR/normal/ and DIR/test/)');
      const r = await loadNormalTestFolders(cfg.path);
      return {
        train: want.train ? spread(r.train, cfg.trainLimit) : undefined,
        test: r.test ? spread(r.test, cfg.testLimit) : undefined,
        classNames: r.testClassNames,
        description: `image folder ${cfg.path}`,
      };
    }
    case 'video':
      return (await import('./video-source.js')).loadVideoData(cfg, want);
    case 'csv': {
      if (!cfg.path) throw new UserError('data source csv needs a file (--data-path FILE.csv)');
      const table = await readTable(cfg.path, { labelColumn: cfg.labelColumn ?? null });
      if (!table.labels) {
        // unlabelled rows: everything is "normal" training data and also what gets scored
        const pre = TabularPreprocessor.fit(table);
        const ds = tableDataset(table, pre);
        return { train: want.train ? spread(ds, cfg.trainLimit) : undefined, test: spread(ds, cfg.testLimit), description: `CSV ${cfg.path} (no labels)` };
      }
      // labelled rows: train on a seeded half of the normal rows, test on the other rows (normal and anomalous)
      const normal: number[] = [];
      for (let i = 0; i < table.rows; i++) if (table.labels[i] === 0) normal.push(i);
      const perm = permutation(normal.length, 1);
      const trainRows = Int32Array.from(perm.subarray(0, Math.floor(normal.length / 2)), (k) => normal[k]).sort();
      const inTrain = new Set(trainRows);
      const testRows = Int32Array.from({ length: table.rows }, (_, i) => i).filter((i) => !inTrain.has(i));
      const pre = TabularPreprocessor.fit(table, { rows: trainRows });
      return {
        train: want.train ? spread(tableDataset(table, pre, trainRows), cfg.trainLimit) : undefined,
        test: spread(tableDataset(table, pre, testRows), cfg.testLimit),
        description: `CSV ${cfg.path} (${pre.featureCount} features; half the normal rows train, the rest test)`,
      };
    }
  }
}
