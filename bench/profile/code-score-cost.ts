// What the image code score costs beside the reconstruction score, on a saved image model (e.g. the quick start's
// `runs/<run>/model`, Fashion-MNIST class 0): building the index of the training codes, the training scores (each
// image's own code left out) and scoring the test set, and 300 test images one at a time (the service's batch-1
// requests), against the reconstruction score of the same images.
//   npx tsx bench/profile/code-score-cost.ts --model runs/<run>/model --class 0 --name code-score-cost
import { benchArgs } from '../lib/args.js';
import { writeResults } from '../lib/results.js';
import { MemAE } from '../../packages/memae/src/detector/memae.js';
import { loadFashionMnist } from '../../packages/memae/src/data/mnist.js';
import { oneClassSplit } from '../../packages/memae/src/data/split.js';
import { codeScores as plainCodeScores, fitCodeIndex, indexedRows } from '../../packages/memae/src/score/code-index.js';
import { codeScores } from '../../packages/memae/src/score/code-score.js';
import { scoreModel } from '../../packages/memae/src/score/score.js';
import { ArrayDataset } from '../../packages/memae/src/data/dataset.js';

const { values: a } = benchArgs(import.meta.url, {
  options: { model: { type: 'string' }, class: { type: 'string', default: '0' }, name: { type: 'string', default: 'code-score-cost' } },
});
if (!a.model) throw new Error('--model DIR: a saved Fashion-MNIST image model (memae train / npm run demo)');
const det = await MemAE.load(a.model);
const s = oneClassSplit(await loadFashionMnist({ split: 'train' }), await loadFashionMnist({ split: 'test' }), Number(a.class));
const ms: Record<string, number> = {};
const time = async (what: string, f: () => unknown) => {
  const t = performance.now();
  await f();
  ms[what] = performance.now() - t;
  console.log(`${what}: ${ms[what].toFixed(0)} ms`);
};
const seed = det.config.seed;
let index = fitCodeIndex(det.model, det.config, s.train, seed);
await time(`build the index of ${s.train.size} training codes`, () => { index = fitCodeIndex(det.model, det.config, s.train, seed); });
await time('training scores (own code left out)', () => plainCodeScores(det.model, det.config, index, s.train, { self: indexedRows(s.train.size, index.width, seed) }));
await codeScores(det.model, det.config, index, s.test); // records the plans of the batch shapes
await time(`code scores of ${s.test.size} test images`, () => codeScores(det.model, det.config, index, s.test));
await scoreModel(det.model, det.config, s.test);
await time(`reconstruction scores of ${s.test.size} test images`, () => scoreModel(det.model, det.config, s.test));
// one image at a time (the service's batch-1 requests): 300 images each way, after one of each to record the plans
const single = Array.from({ length: 300 }, (_, i) => new ArrayDataset(s.test.gather([i]), s.test.sampleShape));
await codeScores(det.model, det.config, index, single[0]);
await scoreModel(det.model, det.config, single[0]);
await time('code scores, 300 images one at a time', async () => { for (const d of single) await codeScores(det.model, det.config, index, d); });
await time('reconstruction scores, 300 images one at a time', async () => { for (const d of single) await scoreModel(det.model, det.config, d); });
det.dispose();
writeResults(String(a.name), { args: a, codes: index.rows, width: index.width, ms, threads: process.env.LIBTORCH_NUM_THREADS ?? 'default' },
  `# ${String(a.name)}\n\n${Object.entries(ms).map(([k, v]) => `- ${k}: ${v.toFixed(0)} ms`).join('\n')}\n`);
