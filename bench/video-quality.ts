// Video quality benchmark (issue 14): real fixed-camera footage (bench/video/sources.ts), six seeded kinds of
// injected anomalies (bench/video/anomalies.ts; four of them motion-only), frame differencing beside AE and MemAE in
// the same run, the official frame-AUC protocol (16-frame clips, stride 1, clip score at the centre frame, per-video
// min-max, edge frames excluded). Each test video is the test part of a source with one event of one kind.
// Settings of the scores (channel weights, temporal scales) are chosen after all runs by the mean AUC on the
// *validation* videos (the training side's held-out part with the validation kinds), never on test labels.
//   npx tsx bench/video-quality.ts --seeds 1,2,3,4,5
// Partial runs (e.g. one source per process) merge with --from a.json,b.json; results are written after every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs } from './lib/args.js';
import { initBackend, type BackendChoice } from '../packages/memae/src/backend/select.js';
import { FrameDifference } from '../packages/memae/src/baselines/frame-diff.js';
import { buildModel, resolveConfig, type ModelOptions } from '../packages/memae/src/models/index.js';
import { trainModel } from '../packages/memae/src/train/index.js';
import { videoSteps } from '../packages/memae/src/train/defaults.js';
import { DEFAULT_VIDEO_SCORE_WEIGHTS } from '../packages/memae/src/score/video-score.js';
import { channelStats, combineChannels, multiScaleClipScores, videoChannelScores, videoChannelStats, type ChannelScores } from '../packages/memae/src/score/video-channels.js';
import { codeScores, fitCodeIndex } from '../packages/memae/src/score/code-index.js';
import { ClipDataset, evaluateClipScores } from '../packages/memae/src/video/index.js';
import { memberSeed } from '../packages/memae/src/detector/ensemble.js';
import { auroc } from '../packages/memae/src/metrics/roc.js';
import { injectEvent, TEST_KINDS, VALIDATION_KINDS } from './video/anomalies.js';
import { loadSource, VIDEO_SOURCES, type SourceSplit } from './video/sources.js';
import { fmt, mean } from './lib/stats.js';
import { markdownTable, parseList, resultsDir, writeResults } from './lib/results.js';

const { values: a } = benchArgs(import.meta.url, {
  options: {
    sources: { type: 'string', default: VIDEO_SOURCES.map((s) => s.name).join(',') },
    seeds: { type: 'string', default: '1,2,3,4,5' },
    size: { type: 'string', default: '32' },
    length: { type: 'string', default: '24' }, // frames per injected event
    widths: { type: 'string', default: '8,16,32,32' },
    slots: { type: 'string', default: '500' }, // the library's video default (models/config.ts)
    steps: { type: 'string' }, // Adam steps (whole epochs: the last epoch is completed); default videoSteps(clips, batch)
    batch: { type: 'string', default: '4' },
    lr: { type: 'string', default: '0.001' },
    patience: { type: 'string', default: '3' }, // epochs without a better validation loss before stopping
    'train-stride': { type: 'string', default: '2' },
    variants: { type: 'string', default: 'ae,memae' },
    // networks per model, each from its own seed (the library's memberSeed), scored by the mean of their standardised
    // clip scores (a seed ensemble, as tables have); 1 = one network
    members: { type: 'string', default: '1' },
    backend: { type: 'string' },
    name: { type: 'string', default: 'video-quality' },
    from: { type: 'string' }, // comma-separated result JSONs of earlier runs: merge them, choose and report (no training)
    // channel statistics from the training clips ('train': what MemAE.fit does without a validation set, the library
    // default) or from the held-out normal validation part ('normal')
    'stats-from': { type: 'string', default: 'train' },
    rescore: { type: 'boolean', default: false }, // with --from: recompute every candidate from the runs' saved clip scores (NAME-clips.json)
  },
});
const num = (k: keyof typeof a): number => Number(a[k]);
const size = num('size');
const L = num('length');
const widths = String(a.widths).split(',').map(Number);
const seeds = parseList(String(a.seeds), []);
const variants = String(a.variants).split(',') as ('ae' | 'memae')[];
const members = num('members');
if (!Number.isInteger(members) || members < 1) throw new Error(`--members must be a whole number >= 1, got ${String(a.members)}`);
if (a.rescore && members > 1) throw new Error('--rescore recomputes one-network runs only (the clip dump keeps the first network)');
const sources = String(a.sources).split(',').map((n) => {
  const s = VIDEO_SOURCES.find((v) => v.name === n);
  if (!s) throw new Error(`unknown source ${n}; choose from ${VIDEO_SOURCES.map((v) => v.name).join(', ')}`);
  return s;
});

/** Candidate scores: channel weights x temporal scales; the first is the official clip score. `fd` is the input's own
 *  frame difference (the baseline) and `still` the two-sided share of repeated frame steps (video-channels.ts), both
 *  standardised like the model's channels: candidates with them are model + input-motion combinations. */
const WEIGHTS: Record<string, Record<string, number>> = {
  'recon': { recon: 1 }, 'recon+0.5motion': { recon: 1, motion: 0.5 }, 'recon+motion': { recon: 1, motion: 1 },
  'recon+2motion': { recon: 1, motion: 2 }, 'motion': { motion: 1 },
  'recon+0.5fd': { recon: 1, fd: 0.5 }, 'recon+fd': { recon: 1, fd: 1 }, 'recon+motion+0.5fd': { recon: 1, motion: 1, fd: 0.5 },
  'recon+motion+0.5still': { recon: 1, motion: 1, still: 0.5 }, 'recon+motion+still': { recon: 1, motion: 1, still: 1 },
  'recon+0.5motion+still': { recon: 1, motion: 0.5, still: 1 }, 'recon+motion+0.5fd+0.5still': { recon: 1, motion: 1, fd: 0.5, still: 0.5 },
  'recon+motion+0.5fd+still': { recon: 1, motion: 1, fd: 0.5, still: 1 }, 'recon+fd+still': { recon: 1, fd: 1, still: 1 },
  'recon+still': { recon: 1, still: 1 }, 'recon+0.5motion+0.5still': { recon: 1, motion: 0.5, still: 0.5 },
  'recon+0.5motion+2still': { recon: 1, motion: 0.5, still: 2 }, 'recon+0.25motion+still': { recon: 1, motion: 0.25, still: 1 },
  'recon+0.5motion+0.5fd+still': { recon: 1, motion: 0.5, fd: 0.5, still: 1 },
  // `code`: the distance from a clip's code to the 5th nearest training clip's code (the image models' default score,
  // score/code-index.ts), standardised by the held-out normal clips' (training clips overlap their neighbours)
  'code': { code: 1 }, 'code+0.5motion+2still': { code: 1, motion: 0.5, still: 2 },
  'recon+0.5motion+2still+0.5code': { recon: 1, motion: 0.5, still: 2, code: 0.5 }, 'recon+0.5motion+2still+code': { recon: 1, motion: 0.5, still: 2, code: 1 },
  'recon+0.5motion+2still+2code': { recon: 1, motion: 0.5, still: 2, code: 2 },
};
const SCALES: Record<string, number[]> = { 's1': [1], 's1-5': [1, 5], 's1-5-15': [1, 5, 15] };
const CANDIDATES = Object.keys(WEIGHTS).flatMap((w) => Object.keys(SCALES).map((s) => `${w}/${s}`));
const MODEL_ONLY = CANDIDATES.filter((c) => !c.includes('fd') && !c.includes('still'));
/** the library's default video score (score/video-score.ts) as a candidate name */
const DEFAULT_CANDIDATE = `${Object.entries(DEFAULT_VIDEO_SCORE_WEIGHTS).map(([c, w], i) => `${i > 0 ? '+' : ''}${w === 1 ? '' : w}${c}`).join('')}/s1`;
if (!CANDIDATES.includes(DEFAULT_CANDIDATE)) throw new Error(`the library default ${DEFAULT_CANDIDATE} is not among the candidates`);
/** what the library's `memae score` can reproduce per clip (no smoothing over neighbouring clips) */
const PER_CLIP = CANDIDATES.filter((c) => c.endsWith('/s1'));

const backend = await initBackend(a.backend as BackendChoice | undefined);
console.log(`backend ${backend}; sources ${sources.map((s) => s.name).join(', ')}; seeds ${seeds.join(', ')}`);

interface Run {
  source: string; seed: number;
  /** the source's index in --sources of the run that made it (part of the event seeds) */
  sourceIndex?: number;
  baselines: Record<string, { auc: number; perKind: Record<string, number> }>;
  models: Record<string, { steps: number; epochs: number; stoppedEarly: boolean; trainSeconds: number; scoreSeconds: number; finalLoss: number; valLoss?: number;
    val: Record<string, number>; test: Record<string, number>; perKind: Record<string, Record<string, number>> }>;
  events: { video: string; kind: string; first: number; last: number; detail: string }[];
}
const runs: Run[] = [];
/** the library's channels plus the experimental code distance (absent in runs made before it) */
type Channels = ChannelScores & { code?: Float32Array };
/** per-clip channel scores of one run and variant, kept so that candidates can be re-scored without training */
interface ClipDump { source: string; seed: number; variant: string; normal: Channels; val: Channels; test: Channels; train?: Channels }
const dumps: ClipDump[] = [];

/** Frame AUC over all videos of `clips` (official protocol) and the AUC of each video. */
function frameAuc(clips: ClipDataset, scores: ArrayLike<number>): { auc: number; perVideo: Record<string, number> } {
  const ev = evaluateClipScores(clips, scores);
  const perVideo: Record<string, number> = {};
  for (const v of ev.videos) {
    const lab: number[] = [], sc: number[] = [];
    v.counted.forEach((c, f) => { if (c) { lab.push(v.labels![f]); sc.push(v.anomaly[f]); } });
    perVideo[v.name.replace(/^.*?-/, '')] = auroc(lab, sc);
  }
  return { auc: ev.auc!, perVideo };
}

const splits = new Map<string, SourceSplit>();
const t0 = performance.now();
let config = { statsFrom: String(a['stats-from']), members, backend, size, length: L, widths, slots: num('slots'), steps: a.steps ? num('steps') : 'videoSteps(clips, batch)', batch: num('batch'), lr: num('lr'), patience: num('patience'), trainStride: num('train-stride'), seeds, variants, candidates: CANDIDATES, threads: process.env.LIBTORCH_NUM_THREADS };
const commands = [`npx tsx bench/video-quality.ts ${process.argv.slice(2).join(' ')}`];
const sourceInfo: Record<string, unknown>[] = [];
if (a.from) {
  for (const f of String(a.from).split(',')) {
    const j = JSON.parse(readFileSync(f, 'utf8')) as { runs: Run[]; commands: string[]; config: typeof config; sources: (Record<string, unknown> & { name: string })[] };
    // --rescore recomputes from the first network's clip scores: a one-network run whatever the file's --members
    if (runs.length === 0) config = { ...j.config, seeds, statsFrom: String(a['stats-from']), ...(a.rescore ? { members: 1 } : {}) };
    runs.push(...j.runs);
    commands.push(...j.commands);
    for (const s of j.sources) if (!sourceInfo.some((x) => x.name === s.name)) sourceInfo.push(s);
  }
  sources.splice(0, sources.length, ...VIDEO_SOURCES.filter((s) => runs.some((r) => r.source === s.name)));
  // runs made before the code channel existed have no code candidates (nor code scores to re-score them from)
  const missing = (c: string) => runs.some((r) => Object.values(r.models).some((m) => m.val[c] === undefined));
  if (!a.rescore) for (const list of [CANDIDATES, MODEL_ONLY, PER_CLIP]) list.splice(0, list.length, ...list.filter((c) => !missing(c)));
  seeds.splice(0, seeds.length, ...new Set(runs.map((r) => r.seed)));
} else {
  for (const source of sources) {
    splits.set(source.name, await loadSource(source, size));
    const sp = splits.get(source.name)!;
    sourceInfo.push({ ...source, train: sp.train.count, validation: sp.validation.count, test: sp.test.count });
  }
}

/** The run's videos: test and validation events injected from the seed, and the clip sets. */
function clipSets(split: SourceSplit, seed: number, si: number) {
  const name = split.source.name;
  const tests = TEST_KINDS.map((k, i) => injectEvent(split.test, k, `${name}-${k}`, { seed: seed * 1000 + si * 100 + i, length: L }));
  const vals = VALIDATION_KINDS.map((k, i) => injectEvent(split.validation, k, `${name}-${k}`, { seed: 1e6 + seed * 1000 + si * 100 + i, length: L }));
  return {
    tests, vals,
    trainClips: new ClipDataset([split.train], { clipLength: 16, stride: num('train-stride') }),
    normalClips: new ClipDataset([split.validation], { clipLength: 16, stride: 1 }), // held out, normal
    testClips: new ClipDataset(tests.map((t) => t.video), { clipLength: 16, stride: 1 }),
    valClips: new ClipDataset(vals.map((t) => t.video), { clipLength: 16, stride: 1 }),
  };
}

if (a.from && a.rescore) {
  const fromDumps = String(a.from).split(',').flatMap((f) => (JSON.parse(readFileSync(f.replace(/\.json$/, '-clips.json'), 'utf8')) as { dumps: ClipDump[] }).dumps);
  if (fromDumps.some((d) => !(d.val as Channels).code)) {
    const withCode = (c: string) => 'code' in WEIGHTS[c.split('/')[0]];
    for (const list of [CANDIDATES, MODEL_ONLY, PER_CLIP]) list.splice(0, list.length, ...list.filter((c) => !withCode(c)));
  }
  const f32 = (c: Record<string, number[]>): Channels => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Float32Array.from(v)])) as unknown as Channels;
  for (const run of runs) {
    const source = VIDEO_SOURCES.find((x) => x.name === run.source)!;
    if (!splits.has(source.name)) splits.set(source.name, await loadSource(source, config.size));
    const { valClips, testClips } = clipSets(splits.get(source.name)!, run.seed, run.sourceIndex ?? 0);
    for (const v of Object.keys(run.models)) {
      const d = fromDumps.find((x) => x.source === run.source && x.seed === run.seed && x.variant === v);
      if (!d) throw new Error(`no clip scores for ${run.source} seed ${run.seed} ${v}`);
      const dd = { ...d, normal: f32(d.normal as never), val: f32(d.val as never), test: f32(d.test as never), ...(d.train ? { train: f32(d.train as never) } : {}) };
      dumps.push(dd);
      const statsFrom = a['stats-from'] === 'train' ? dd.train : dd.normal;
      if (!statsFrom) throw new Error(`no training clip scores saved for ${run.source} seed ${run.seed} ${v}`);
      Object.assign(run.models[v], candidates(valClips, testClips, [{ stats: statsFrom, val: dd.val, test: dd.test }]));
    }
  }
}

for (const seed of a.from ? [] : seeds) {
  for (const source of sources) {
    const split = splits.get(source.name)!;
    const si = sources.indexOf(source);
    const { tests, vals, trainClips, normalClips, testClips, valClips } = clipSets(split, seed, si);
    const run: Run = { source: source.name, seed, sourceIndex: si, baselines: {}, models: {}, events: tests.concat(vals).map((t) => ({ video: t.video.name, ...t.event })) };

    for (const [label, window] of [['frame-diff', undefined], ['frame-diff (1 frame)', 1]] as const) {
      const fd = new FrameDifference({ window }).fit(trainClips);
      const r = frameAuc(testClips, fd.decisionFunction(testClips));
      run.baselines[label] = { auc: r.auc, perKind: r.perVideo };
    }

    for (const variant of variants) {
      // one network per member: member 0 keeps the run's seed (so --members 1 is the one-network run)
      const nets: { stats: Channels; val: Channels; test: Channels }[] = [];
      let res: Awaited<ReturnType<typeof trainModel>> | undefined;
      let trainSeconds = 0, scoreSeconds = 0;
      const perEpoch = Math.ceil(trainClips.size / num('batch'));
      const epochs = Math.max(1, Math.ceil((a.steps ? num('steps') : videoSteps(trainClips.size, num('batch'))) / perEpoch));
      const validation = new ClipDataset([split.validation], { clipLength: 16, stride: 4 });
      for (let e = 0; e < members; e++) {
        const netSeed = memberSeed(seed, e);
        const cfg = resolveConfig({ kind: 'video', variant, inputShape: [16, size, size, 1], encoderChannels: widths, slots: num('slots'), seed: netSeed } as ModelOptions);
        const model = buildModel(cfg);
        let t = performance.now();
        const r = await trainModel(model, cfg, trainClips, {
          epochs, batchSize: num('batch'), learningRate: num('lr'), seed: netSeed, progressBar: false,
          validation, earlyStopping: { patience: num('patience') },
        });
        res ??= r; // the first network's training is what the run reports
        trainSeconds += (performance.now() - t) / 1000;
        t = performance.now();
        const normal = await videoChannelScores(model, cfg, normalClips);
        const onTrain = await videoChannelScores(model, cfg, trainClips);
        const onVal = await videoChannelScores(model, cfg, valClips);
        const onTest = await videoChannelScores(model, cfg, testClips);
        const index = fitCodeIndex(model, cfg, trainClips, netSeed);
        for (const [ch, clips] of [[normal, normalClips], [onVal, valClips], [onTest, testClips]] as const) (ch as Channels).code = codeScores(model, cfg, index, clips);
        scoreSeconds += (performance.now() - t) / 1000;
        model.dispose();
        if (e === 0) dumps.push({ source: source.name, seed, variant, normal, val: onVal, test: onTest, train: onTrain });
        nets.push({ stats: a['stats-from'] === 'train' ? { ...onTrain, code: (normal as Channels).code } : normal, val: onVal, test: onTest });
      }
      const { val, test, perKind } = candidates(valClips, testClips, nets);
      const last = res!.history[res!.history.length - 1];
      run.models[variant] = { steps: res!.samplesSeen / num('batch'), epochs: res!.epochsDone, stoppedEarly: res!.stoppedEarly, trainSeconds, scoreSeconds, finalLoss: last.loss, valLoss: last.valLoss, val, test, perKind };
      console.log(`seed ${seed} ${source.name} ${variant}: ${res!.epochsDone} epochs (${res!.stoppedEarly ? 'stopped early' : 'budget'}), train ${trainSeconds.toFixed(0)} s, official ${test['recon/s1'].toFixed(3)}, val-best here ${CANDIDATES.reduce((b, c) => (val[c] > val[b] ? c : b))}`);
    }
    console.log(`seed ${seed} ${source.name}: frame-diff ${run.baselines['frame-diff'].auc.toFixed(3)}, 1-frame ${run.baselines['frame-diff (1 frame)'].auc.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    runs.push(run);
    report();
  }
}
report();

/** Validation and test AUC (and per-video test AUC) of every candidate from one run's channel scores: each network's
 *  channels standardised by its own statistics (`stats`: the clips they come from), then the networks' scores averaged. */
function candidates(valClips: ClipDataset, testClips: ClipDataset, nets: { stats: Channels; val: Channels; test: Channels }[]) {
  const netStats = nets.map((n) => ({ ...videoChannelStats(n.stats, 16), ...(n.stats.code ? { code: channelStats(n.stats.code) } : {}) }));
  const score = (clips: ClipDataset, part: 'val' | 'test', cand: string): Float32Array => {
    const [w, s] = cand.split('/');
    const out = new Float32Array(clips.size);
    nets.forEach((n, e) => multiScaleClipScores(clips, combineChannels(n[part], netStats[e], WEIGHTS[w]), SCALES[s]).forEach((v, i) => { out[i] += v / nets.length; }));
    return out;
  };
  const val: Record<string, number> = {}, test: Record<string, number> = {}, perKind: Record<string, Record<string, number>> = {};
  for (const cand of CANDIDATES) {
    val[cand] = frameAuc(valClips, score(valClips, 'val', cand)).auc;
    const r = frameAuc(testClips, score(testClips, 'test', cand));
    test[cand] = r.auc;
    perKind[cand] = r.perVideo;
  }
  return { val, test, perKind };
}

/** Chooses the score settings on validation and writes the tables and JSON of all runs so far. */
function report(): void {
// the score setting of each variant: the best mean validation AUC over every source and seed
const best = (v: string, among: string[]): string => among.reduce((b, c) => (mean(runs.map((r) => r.models[v].val[c])) > mean(runs.map((r) => r.models[v].val[b])) ? c : b));
const chosen: Record<string, string> = {};
const chosenWithFd: Record<string, string> = {};
const chosenPerClip: Record<string, string> = {};
for (const v of variants) { chosen[v] = best(v, MODEL_ONLY); chosenWithFd[v] = best(v, CANDIDATES); chosenPerClip[v] = best(v, PER_CLIP); }

const label = (v: string): string => (v === 'ae' ? 'AE' : 'MemAE');
const rowsOf = (src: string): { name: string; auc: number[]; perKind: Record<string, number>[] }[] => {
  const rs = runs.filter((r) => r.source === src);
  return [
    ...Object.keys(rs[0].baselines).map((b) => ({ name: b, auc: rs.map((r) => r.baselines[b].auc), perKind: rs.map((r) => r.baselines[b].perKind) })),
    ...variants.flatMap((v) => [
      { name: `${label(v)} (official score)`, auc: rs.map((r) => r.models[v].test['recon/s1']), perKind: rs.map((r) => r.models[v].perKind['recon/s1']) },
      { name: `${label(v)} (${chosen[v]}, chosen on validation)`, auc: rs.map((r) => r.models[v].test[chosen[v]]), perKind: rs.map((r) => r.models[v].perKind[chosen[v]]) },
      ...(chosenWithFd[v] === chosen[v] ? [] : [{ name: `${label(v)} + input-motion channels (${chosenWithFd[v]}, chosen on validation)`, auc: rs.map((r) => r.models[v].test[chosenWithFd[v]]), perKind: rs.map((r) => r.models[v].perKind[chosenWithFd[v]]) }]),
      { name: `**${label(v)} library default (${DEFAULT_CANDIDATE})**`, auc: rs.map((r) => r.models[v].test[DEFAULT_CANDIDATE]), perKind: rs.map((r) => r.models[v].perKind[DEFAULT_CANDIDATE]) },
      { name: `${label(v)} per clip (${chosenPerClip[v]}, chosen on validation among per-clip scores: the library default's kind)`, auc: rs.map((r) => r.models[v].test[chosenPerClip[v]]), perKind: rs.map((r) => r.models[v].perKind[chosenPerClip[v]]) },
    ]),
  ];
};
const kinds = [...TEST_KINDS];
const md: string[] = [
  '# Video quality benchmark: frame differencing, AE and MemAE on real footage with injected anomalies', '',
  `Clips 16x${config.size}x${config.size}, widths ${config.widths.join('-')}, ${config.slots} slots, ${(config.members ?? 1) > 1 ? `${config.members} networks per model (mean of their standardised scores), ` : ''}budget ${config.steps} Adam steps (batch ${config.batch}, lr ${config.lr}), early stopping patience ${config.patience} on the validation part's loss; score channel statistics from the ${config.statsFrom === 'train' ? 'training clips (as MemAE.fit)' : 'held-out normal validation part'}; event length ${config.length} frames; seeds ${[...new Set(runs.map((r) => r.seed))].join(', ')}; backend ${config.backend}, ${config.threads ?? 'default'} thread(s). Frame AUC, official protocol; mean ± sd over seeds.`,
  `Score settings chosen on validation videos (validation kinds ${VALIDATION_KINDS.join(', ')} on the training side's held-out part): model channels only ${variants.map((v) => `${label(v)} ${chosen[v]}`).join(', ')}; with the frame-difference channel ${variants.map((v) => `${label(v)} ${chosenWithFd[v]}`).join(', ')}.`, '',
];
for (const s of sources.filter((x) => runs.some((r) => r.source === x.name))) {
  const rows = rowsOf(s.name);
  md.push(`## ${s.name}`, '', s.note, '', markdownTable(['score', 'frame AUC', ...kinds], rows.map((r) => [r.name, fmt(r.auc, 3), ...kinds.map((k) => fmt(r.perKind.map((p) => p[k]), 3))])));
}
md.push('Every candidate score: validation AUC (mean over sources and seeds; what the choice used) and test AUC (mean; shown, never used to choose):', '',
  markdownTable(['candidate', ...variants.flatMap((v) => [`${label(v)} validation`, ...sources.map((s) => `${label(v)} test ${s.name}`)])],
    CANDIDATES.map((c) => [c, ...variants.flatMap((v) => [mean(runs.map((r) => r.models[v].val[c])).toFixed(3), ...sources.map((s) => mean(runs.filter((r) => r.source === s.name).map((r) => r.models[v].test[c])).toFixed(3))])])));
md.push('', `Commands: ${commands.map((c) => `\`${c}\``).join(', ')} (this process ${((performance.now() - t0) / 1000).toFixed(0)} s)`, '');
writeResults(String(a.name), { date: new Date().toISOString(), commands, config, sources: sourceInfo, chosen, chosenWithFd, chosenPerClip, runs }, md.join('\n'));
const round = (c: Channels): Record<string, number[]> => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.from(v as Float32Array, (x) => Number(x.toPrecision(6)))]));
if (dumps.length) writeFileSync(join(resultsDir, `${String(a.name)}-clips.json`), JSON.stringify({ note: 'per-clip channel scores of every run (bench/video-quality.ts --from NAME.json --rescore)', dumps: dumps.map((d) => ({ ...d, normal: round(d.normal), val: round(d.val), test: round(d.test), ...(d.train ? { train: round(d.train) } : {}) })) }));
console.log(md.join('\n'));
}
