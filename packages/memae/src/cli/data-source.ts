// The CLI's data sources, resolved through the data loaders: IDX image sets (Fashion-MNIST, MNIST) with the
// one-class protocol, one-class image folders, CSV tables.
import type { Dataset } from '../data/dataset.js';
import { loadNormalTestFolders } from '../data/image-folder.js';
import { FASHION_MNIST_CLASSES, loadFashionMnist, loadMnist, MNIST_CLASSES } from '../data/mnist.js';
import { oneClassSplit, select } from '../data/split.js';
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
    case 'csv':
      throw new UserError('data source csv is not available in this build yet');
  }
}
