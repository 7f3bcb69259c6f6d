// The CLI's data sources, resolved through the data loaders: IDX image sets (Fashion-MNIST, MNIST) with the
// one-class protocol, one-class image folders, CSV tables.
import type { Dataset } from '../data/dataset.js';
import { loadNormalTestFolders } from '../data/image-folder.js';
import { FASHION_MNIST_CLASSES, loadFashionMnist, loadMnist, MNIST_CLASSES } from '../data/mnist.js';
import { oneClassSplit, select } from '../data/split.js';
import { UserError } from '../errors/user-error.js';
import { imagePreprocessing, type Preprocessing } from '../preprocess/index.js';
import { TabularPreprocessor } from '../preprocess/tabular.js';
import type { RunConfig } from './config.js';
import { loadCsvTraining, readWithModel, readWithoutModel } from './csv-source.js';

export interface LoadedData {
  /** normal training samples (undefined when only a test set is asked for) */
  train?: Dataset;
  test?: Dataset;
  /** names of `test.classes` when known */
  classNames?: string[];
  /** one line describing the data, for logs and reports */
  description: string;
  /** the preprocessing the training data went through (saved with the model) */
  preprocessing?: Preprocessing;
  /** one id per test sample (file path, or FILE#ROW for table rows) when known */
  ids?: string[];
}

export interface LoadWant {
  train: boolean;
  /** seeds the split of a labelled CSV file (train) */
  seed?: number;
  /** a saved model's preprocessing: new data go through it (no refit, no split); null = an older model without one */
  model?: Preprocessing | null;
  /** false: labels are not needed (scoring), label values are not checked */
  labels?: boolean;
}

/** `limit` samples spread evenly over `ds` (keeps the class mix of a shuffled set), or `ds` itself. */
export function spread(ds: Dataset, limit: number | undefined): Dataset {
  if (!limit || limit >= ds.size) return ds;
  const idx = Int32Array.from({ length: limit }, (_, i) => Math.floor((i * ds.size) / limit));
  return select(ds, idx);
}

export async function loadData(cfg: RunConfig['data'], want: LoadWant): Promise<LoadedData> {
  const resize = cfg.resize ?? 'fill';
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
        preprocessing: imagePreprocessing(s.test.sampleShape, resize),
        train: want.train ? spread(s.train, cfg.trainLimit) : undefined,
        test: spread(s.test, cfg.testLimit),
        classNames: names,
        description: `${cfg.source}, normal class ${cfg.normalClass} (${names[cfg.normalClass]}), other classes anomalous`,
      };
    }
    case 'folder': {
      if (!cfg.path) throw new UserError('data source folder needs a path (--data-path DIR with DIR/normal/ and DIR/test/)');
      const saved = want.model?.kind === 'image' ? want.model : undefined;
      const r = await loadNormalTestFolders(cfg.path, saved ? { size: [saved.height, saved.width], channels: saved.channels, fit: saved.resize } : { fit: resize });
      return {
        preprocessing: imagePreprocessing(r.train.sampleShape, saved?.resize ?? resize),
        ids: r.test?.files,
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
      if (want.train) {
        const t = await loadCsvTraining(cfg, want.seed ?? 1);
        return {
          train: spread(t.train, cfg.trainLimit), test: t.test && spread(t.test.dataset, cfg.testLimit), ids: cfg.testLimit ? undefined : t.test?.ids,
          preprocessing: t.preprocessor.toJSON(), description: t.description,
        };
      }
      // a saved model: every row of the file, in order, through the model's preprocessing
      const path = cfg.path;
      if (want.model && want.model.kind !== 'tabular') throw new UserError(`${path}: this model takes ${want.model.kind} data, not CSV rows`);
      const e = want.model ? await readWithModel(path, new TabularPreprocessor(want.model), cfg, undefined, want.labels !== false) : await readWithoutModel(path, cfg);
      return { test: spread(e.dataset, cfg.testLimit), ids: cfg.testLimit ? undefined : e.ids, description: `CSV ${path} (${e.table.rows} rows)` };
    }
  }
}
