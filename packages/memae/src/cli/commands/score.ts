// memae score: per-sample anomaly scores with a saved model, through its saved preprocessing. Inputs are files,
// folders or stdin (score-inputs.ts), or a data source (--data ...); every result carries its id.
import { writeFileSync } from 'node:fs';
import { loadDetector } from '../../run/detector-port.js';
import { UserError } from '../../errors/user-error.js';
import { loadData } from '../data-source.js';
import { Output } from '../output.js';
import { isVideoFile, readInput } from '../score-inputs.js';
import { dataConfigFor, preprocessingOf, type DataFlags } from './eval.js';

export interface ScoreFlags extends DataFlags {
  inputs?: string[];
  csv?: boolean;
}

export interface ScoredRow {
  id: string;
  score: number;
  /** 1 above the model's threshold, 0 below; null without a threshold */
  anomaly: number | null;
}

const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function score(modelDir: string, flags: ScoreFlags): Promise<void> {
  if (flags.csv && flags.json) throw new UserError('give one of --csv and --json');
  const out = new Output({ quiet: flags.quiet || flags.csv, json: flags.json });
  const inputs = flags.inputs ?? [];
  if (inputs.length && (flags.data || flags.dataPath)) throw new UserError('give inputs (files, folders, -) or --data/--data-path, not both');
  if (inputs.filter((i) => i === '-').length > 1) throw new UserError("stdin ('-') can be read once only");
  // video files and frame folders of a video model (as inputs, or --data video --data-path P): per-frame scores
  if (inputs.some(isVideoFile) || dataConfigFor(modelDir, flags).source === 'video') {
    return (await import('../video-score.js')).scoreVideos(modelDir, inputs.length ? inputs : [flags.dataPath ?? ''], flags);
  }
  const det = await loadDetector(modelDir);
  try {
    const pre = preprocessingOf(det, modelDir, out);
    const rows: ScoredRow[] = [];
    const t = det.threshold;
    const add = (ids: string[] | undefined, scores: Float32Array, offset = 0) => {
      scores.forEach((s, i) => rows.push({ id: ids?.[i] ?? String(offset + i), score: s, anomaly: t === null ? null : s > t ? 1 : 0 }));
    };
    if (inputs.length) {
      const csv = dataConfigFor(modelDir, { ...flags, data: 'csv' });
      for (const input of inputs) {
        for await (const b of readInput(input, { det, pre, csv })) add(b.ids, await det.score(b.dataset));
      }
    } else {
      const data = await loadData(dataConfigFor(modelDir, flags), { train: false, model: pre, labels: false });
      if (!data.test) throw new UserError(`${data.description}: nothing to score`);
      out.note(`scoring ${data.test.size} samples (${data.description})`);
      add(data.ids, await det.score(data.test));
    }
    const scores = rows.map((r) => r.score);
    const anomalies = t === null ? null : rows.reduce((a, r) => a + (r.anomaly ?? 0), 0);
    const result = { model: modelDir, threshold: t, count: rows.length, anomalies, results: rows, scores, labels: t === null ? null : rows.map((r) => r.anomaly) };
    if (flags.out) {
      writeFileSync(flags.out, JSON.stringify(result) + '\n');
      out.result(`scores: ${flags.out}`);
    }
    if (flags.csv) {
      process.stdout.write('id,score,anomaly\n' + rows.map((r) => `${csvField(r.id)},${r.score},${r.anomaly ?? ''}`).join('\n') + (rows.length ? '\n' : ''));
      return;
    }
    if (inputs.length && !flags.quiet && !flags.json) {
      // one line per sample: a file name with a line break or other control character is shown JSON-quoted
      const control = (id: string) => [...id].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127);
      const shown = rows.map((r) => (control(r.id) ? JSON.stringify(r.id) : r.id));
      const w = Math.max(2, ...shown.map((id) => id.length));
      out.result(`${'id'.padEnd(w)}  ${'score'.padStart(11)}  anomaly`);
      rows.forEach((r, i) => out.result(`${shown[i].padEnd(w)}  ${r.score.toPrecision(5).padStart(11)}  ${r.anomaly === null ? '-' : r.anomaly ? 'yes' : 'no'}`));
    }
    const mean = scores.reduce((a, s) => a + s / scores.length, 0);
    out.result(`${rows.length} samples scored, mean score ${mean.toPrecision(4)}` + (t === null ? '' : `, ${anomalies} above the threshold ${t.toPrecision(4)}`));
    out.emitJson(flags.out ? { ...result, results: undefined, scores: undefined, labels: undefined, file: flags.out } : result);
  } finally {
    det.dispose();
  }
}
