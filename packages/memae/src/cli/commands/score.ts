// memae score: per-sample anomaly scores of a data set with a saved model.
import { writeFileSync } from 'node:fs';
import { loadDetector } from '../../run/detector-port.js';
import { UserError } from '../../errors/user-error.js';
import { loadData } from '../data-source.js';
import { Output } from '../output.js';
import { dataConfigFor, type DataFlags } from './eval.js';

export async function score(modelDir: string, flags: DataFlags & { csv?: boolean }, inputs: string[] = []): Promise<void> {
  const dataCfg = dataConfigFor(modelDir, flags);
  // video files and frame folders (as inputs, or --data video --data-path P): per-frame scores
  if (inputs.length || dataCfg.source === 'video') return (await import('../video-score.js')).scoreVideos(modelDir, inputs.length ? inputs : [dataCfg.path ?? ''], flags);
  const out = new Output(flags);
  const data = await loadData(dataCfg, { train: false });
  if (!data.test) throw new UserError(`${data.description}: nothing to score`);
  const det = await loadDetector(modelDir);
  try {
    out.note(`scoring ${data.test.size} samples (${data.description})`);
    const scores = await det.score(data.test);
    const t = det.threshold;
    const predicted = t === null ? null : Array.from(scores, (s): number => (s > t ? 1 : 0));
    const result = { model: modelDir, threshold: t, count: scores.length, anomalies: predicted?.reduce((a, b) => a + b, 0) ?? null, scores: Array.from(scores), labels: predicted };
    if (flags.out) {
      writeFileSync(flags.out, JSON.stringify(result) + '\n');
      out.result(`scores: ${flags.out}`);
    }
    let mean = 0;
    for (const s of scores) mean += s / scores.length;
    out.result(`${scores.length} samples scored, mean score ${mean.toPrecision(4)}` + (t === null ? '' : `, ${result.anomalies} above the threshold ${t.toPrecision(4)}`));
    out.emitJson(flags.out ? { ...result, scores: undefined, labels: undefined, file: flags.out } : result);
  } finally {
    det.dispose();
  }
}
