// memae train: fit a detector on normal data, score the test set, write a run directory and its report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeReport } from '../../report/build-report.js';
import { createDetector, type EpochRecord, type Kind } from '../../run/detector-port.js';
import { RUN_FILES } from '../../run/run-files.js';
import { writeBaseline, writeHistory, writeMemoryImages, writeMetrics, writeSamples, writeScores } from '../../run/write-run.js';
import { checkBaseline, compareBaseline } from '../../run/baseline-compare.js';
import { BASELINE_LABELS, resolveBaseline, type BaselineChoice } from '../../run/baseline-choice.js';
import { UserError } from '../../errors/user-error.js';
import type { MemoryQuery } from '../../models/config.js';
import { mergeConfig, parseRunConfig, readConfigFile, type RunConfig } from '../config.js';
import { loadData } from '../data-source.js';
import { csvFlags, type CsvFlags } from '../csv-flags.js';
import { resolveBudget } from '../../train/defaults.js';
import { checkSyncBn, distributedSetup, type DistributedFlags } from '../distributed-options.js';
import { Output } from '../output.js';
import { videoFlags, type VideoFlags } from '../video-options.js';
import { ClipDataset } from '../../video/clips.js';

export interface TrainFlags extends CsvFlags, VideoFlags, DistributedFlags {
  encoderChannels?: number[];
  ensemble?: number;
  config?: string;
  data?: string;
  dataPath?: string;
  normalClass?: number;
  testLimit?: number;
  trainLimit?: number;
  variant?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  trimFraction?: number;
  inputNoise?: number;
  refitFraction?: number;
  residualScore?: boolean;
  codeScore?: boolean;
  memorySize?: number;
  shrink?: number;
  entropyWeight?: number;
  memoryQuery?: MemoryQuery;
  attention?: boolean;
  hashMemory?: boolean;
  wassersteinWeight?: number;
  seed?: number;
  out?: string;
  quiet?: boolean;
  json?: boolean;
  baseline?: BaselineChoice;
}

/** The run config from the config file (if any) overridden by command-line flags. */
export function trainConfig(f: TrainFlags): RunConfig {
  const file = f.config ? readConfigFile(f.config) : {};
  const flags = {
    data: { source: f.data, path: f.dataPath, normalClass: f.normalClass, trainLimit: f.trainLimit, testLimit: f.testLimit, ...csvFlags(f), video: videoFlags(f) },
    model: {
      variant: f.variant, memorySize: f.memorySize, shrinkThreshold: f.shrink, entropyWeight: f.entropyWeight, memoryQuery: f.memoryQuery,
      attention: f.attention, hashMemory: f.hashMemory, wassersteinWeight: f.wassersteinWeight, encoderChannels: f.encoderChannels, ensemble: f.ensemble,
    },
    train: { epochs: f.epochs, batchSize: f.batchSize, learningRate: f.lr, trimFraction: f.trimFraction, inputNoise: f.inputNoise, refitFraction: f.refitFraction, residualScore: f.residualScore, codeScore: f.codeScore, seed: f.seed },
    out: f.out,
  };
  return parseRunConfig(mergeConfig(file, flags), f.config ? `config ${f.config}` : 'options');
}

export const kindOf = (shape: number[]): Kind => {
  if (shape.length === 3) return 'image';
  if (shape.length === 1) return 'tabular';
  if (shape.length === 4) return 'video';
  throw new UserError(`samples of shape [${shape}] are neither images, clips nor rows`);
};

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export async function train(flags: TrainFlags): Promise<void> {
  const cfg = trainConfig(flags);
  checkSyncBn(flags, cfg.data.source);
  // data-parallel runs train one network (an ensemble's members are trained one after another in one process);
  // refused before any worker starts, and again in a worker started by another launcher
  const ensembleWithDist = () => new UserError('--ensemble cannot be combined with --nproc / distributed training: use --ensemble 1');
  if ((cfg.model.ensemble ?? 1) > 1 && ((flags.nproc ?? 1) > 1 || (flags.nnodes ?? 1) > 1)) throw ensembleWithDist();
  const dist = await distributedSetup(flags); // --nproc: this process launches workers; a worker joins its group
  if (dist === 'launched') return;
  const out = new Output(flags);
  const data = await loadData(cfg.data, { train: true, seed: cfg.train.seed });
  if (!data.train) throw new UserError('no training data');
  const kind = kindOf(data.train.sampleShape);
  checkBaseline(flags.baseline ?? 'auto', kind); // before training: a baseline that does not fit the data wastes no run
  // the library's budget for this kind and data size unless given (train/defaults.ts), so CLI and library agree;
  // fit() gets the user's options as given and resolves the same budget
  const { epochs, batchSize: batch, learningRate, trimFraction, inputNoise, refitFraction, residualScore, codeScore } = cfg.train;
  const given = { epochs, batchSize: batch, learningRate, trimFraction, inputNoise, refitFraction, residualScore, codeScore };
  const budget = resolveBudget(kind, data.train.size, given);
  const { batchSize } = budget;
  const totalSteps = budget.steps ?? budget.epochs * Math.ceil(data.train.size / batchSize);
  // the model before any output: a model option that does not fit the data (mama on rows) is the only line printed,
  // and no run directory is left behind
  const { memorySize, ...model } = cfg.model;
  if (dist && (model.ensemble ?? 1) > 1) throw ensembleWithDist();
  // --nproc / --nnodes (even 1) and a distributed launch train one network where the kind's default is an ensemble,
  // so one command gives the same model whatever the process count
  if (model.ensemble === undefined && (dist || flags.nproc !== undefined || flags.nnodes !== undefined)) model.ensemble = 1;
  const det = await createDetector({ ...model, kind, inputShape: data.train.sampleShape, slots: memorySize, seed: cfg.train.seed, preprocessing: data.preprocessing });
  try {
    if (dist && dist.rank !== 0) { // rank 0 alone writes and prints; the others train their shards
      await det.fit(data.train, { ...given, seed: cfg.train.seed, parallel: dist.parallel, syncBatchNorm: flags.syncBn });
      return;
    }
    out.note(`data: ${data.description}; ${data.train.size} training samples, ${data.test?.size ?? 0} test samples of shape [${data.train.sampleShape}]`);
    const runDir = resolve(cfg.out ?? join('runs', `${stamp()}-${cfg.model.variant}-${cfg.data.source}-c${cfg.data.normalClass}`));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, RUN_FILES.config), JSON.stringify({ ...cfg, train: { ...cfg.train, epochs: budget.epochs, batchSize } }, null, 2) + '\n');
    const length = budget.steps !== undefined ? `${budget.steps} steps (${budget.epochs} passes)` : `${budget.epochs} epochs`;
    const robust = [trimFraction && `trimmed loss ${trimFraction}`, inputNoise && `input noise ${inputNoise}`, refitFraction && `refit without the top ${refitFraction}`].filter(Boolean);
    const members = det.members > 1 ? `, ${det.members} networks from different seeds (scores averaged)` : '';
    out.note(`model: ${det.variant} (${det.kind}, ${det.slots} memory slots${members}), ${length} each, batch ${batchSize}, learning rate ${budget.learningRate}${robust.length ? ', ' + robust.join(', ') : ''}`);
    out.startBar(totalSteps * det.members);
    const t0 = performance.now();
    let epochs: EpochRecord[];
    try {
      epochs = await det.fit(data.train, {
        ...given,
        seed: cfg.train.seed,
        onProgress: (p) => out.progress(p),
        parallel: dist?.parallel,
        syncBatchNorm: flags.syncBn,
      });
    } finally {
      out.stopBar();
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    writeHistory(runDir, epochs);
    await det.save(join(runDir, RUN_FILES.model));

    if (!data.test && cfg.data.source === 'csv') out.result(`unsupervised: no label column and no --test-data, so no AUROC (${data.description})`);
    const result: Record<string, unknown> = { runDir, model: join(runDir, RUN_FILES.model), trainSeconds, epochs: epochs.length, finalLoss: epochs.at(-1)?.loss, worldSize: dist?.worldSize ?? 1 };
    if (data.test) {
      out.note(`scoring ${data.test.size} test samples`);
      const scores = await det.score(data.test);
      writeScores(runDir, data.test, scores, det.threshold, data.classNames);
      if (!data.test.labels) out.note('the test set has no labels: no AUROC');
      const m = writeMetrics(runDir, data.test, scores, det.threshold);
      await writeSamples(runDir, det, data.test, scores);
      await writeMemoryImages(runDir, det);
      Object.assign(result, { auroc: m.auroc, auprc: m.auprc, threshold: det.threshold });
      let metrics = m;
      if (data.test instanceof ClipDataset) {
        // video: frame-level evaluation replaces the clip-level metrics
        const v = await (await import('../video-run.js')).writeVideoRun(runDir, det, data.test, scores);
        metrics = v.metrics;
        Object.assign(result, { auroc: v.metrics.auroc, auprc: v.metrics.auprc, frames: v.frames });
        if (v.metrics.auroc !== null) out.result(`frame AUROC ${v.metrics.auroc.toFixed(4)} (${data.description})`);
      } else if (m.auroc !== null) out.result(`AUROC ${m.auroc.toFixed(4)} (${data.description})`);
      if (metrics.auroc !== null && flags.baseline !== 'none') {
        // the reference beside the figure: a baseline on the same training data and test set
        const choice = flags.baseline ?? 'auto';
        out.note(`baseline: fitting ${BASELINE_LABELS[resolveBaseline(choice, kind)]} on the same training data`);
        const b = await compareBaseline(choice, kind, data.train, data.test, cfg.train.seed ?? 0);
        if (b) {
          writeBaseline(runDir, metrics, b);
          result.baseline = b;
          const f = (v: number | null | undefined) => (v == null ? '-' : v.toFixed(4));
          out.result(`baseline, same split: ${b.label} ${b.level === 'frame' ? 'frame ' : ''}AUROC ${f(b.auroc)} (model ${f(metrics.auroc)}), AUPRC ${f(b.auprc)} (model ${f(metrics.auprc)})`);
        }
      }
    }
    const report = writeReport(runDir);
    result.report = report;
    out.result(`run: ${runDir}  (model in ${RUN_FILES.model}/)`);
    out.result(`report: ${report}`);
    out.emitJson(result);
  } finally {
    det.dispose();
    if (dist) dist.close();
  }
}
