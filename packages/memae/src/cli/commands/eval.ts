// memae eval: score labelled data with a saved model and write a run directory (scores, metrics, images, report).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeReport } from '../../report/build-report.js';
import { loadDetector } from '../../run/detector-port.js';
import { RUN_FILES } from '../../run/run-files.js';
import { writeMemoryImages, writeMetrics, writeSamples, writeScores } from '../../run/write-run.js';
import { UserError } from '../../errors/user-error.js';
import { mergeConfig, parseRunConfig, type RunConfig } from '../config.js';
import { loadData } from '../data-source.js';
import { Output } from '../output.js';
import { csvFlags, type CsvFlags } from '../csv-flags.js';
import { videoFlags, type VideoFlags } from '../video-options.js';
import { noPreprocessingNote } from '../../preprocess/index.js';
import type { DetectorPort } from '../../run/detector-port.js';

export interface DataFlags extends CsvFlags, VideoFlags {
  data?: string;
  dataPath?: string;
  normalClass?: number;
  testLimit?: number;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

/** The data config for a saved model: that of its training run (config.json beside the model) overridden by flags. */
export function dataConfigFor(modelDir: string, f: DataFlags): RunConfig['data'] {
  const runCfg = join(dirname(resolve(modelDir)), RUN_FILES.config);
  let base: unknown = {};
  if (existsSync(runCfg)) {
    try {
      base = { data: (JSON.parse(readFileSync(runCfg, 'utf8')) as { data?: unknown }).data };
    } catch {
      base = {};
    }
  }
  const flags = { data: { source: f.data, path: f.dataPath, normalClass: f.normalClass, testLimit: f.testLimit, trainLimit: undefined, ...csvFlags(f), video: videoFlags(f) } };
  const data = parseRunConfig(mergeConfig(base, flags), 'options').data;
  // a CSV model evaluates on its training run's --test-data unless told another file
  if (data.source === 'csv' && !f.dataPath && data.testData) data.path = data.testData;
  return data;
}

/** The saved preprocessing, or a one-line note on stderr for a model saved before it existed. */
export function preprocessingOf(det: DetectorPort, modelDir: string, out: Output) {
  if (!det.preprocessing) out.note(noPreprocessingNote(modelDir));
  return det.preprocessing;
}

export async function evaluate(modelDir: string, flags: DataFlags): Promise<void> {
  const out = new Output(flags);
  const dataCfg = dataConfigFor(modelDir, flags);
  if (dataCfg.source === 'video') return (await import('../video-run.js')).evaluateVideo(modelDir, dataCfg, flags);
  const det = await loadDetector(modelDir);
  try {
    const data = await loadData(dataCfg, { train: false, model: preprocessingOf(det, modelDir, out) });
    if (!data.test) throw new UserError(`${data.description}: no test set to evaluate on`);
    if (!data.test.labels) {
      const hint = dataCfg.source === 'csv' ? ' (no label column: give --label-column)' : '';
      throw new UserError(`${data.description}: the data have no labels${hint}; use memae score for unlabelled data`);
    }
    const runDir = resolve(flags.out ?? join(dirname(resolve(modelDir)), 'eval'));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, RUN_FILES.config), JSON.stringify({ model: resolve(modelDir), data: dataCfg }, null, 2) + '\n');
    out.note(`scoring ${data.test.size} samples (${data.description})`);
    const scores = await det.score(data.test);
    writeScores(runDir, data.test, scores, det.threshold, data.classNames);
    const m = writeMetrics(runDir, data.test, scores, det.threshold);
    await writeSamples(runDir, det, data.test, scores);
    await writeMemoryImages(runDir, det);
    const report = writeReport(runDir);
    if (m.auroc !== null) out.result(`AUROC ${m.auroc.toFixed(4)} (${data.description})`);
    out.result(`report: ${report}`);
    out.emitJson({ runDir, report, auroc: m.auroc, auprc: m.auprc, threshold: det.threshold, samples: data.test.size });
  } finally {
    det.dispose();
  }
}
