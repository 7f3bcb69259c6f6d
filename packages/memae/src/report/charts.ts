// Chart.js configurations of the report's plots (plain JSON, built in Node, rendered by the inlined Chart.js).
import type { History, Metrics, Scores, VideoScores } from '../run/run-files.js';

export interface ChartSpec {
  id: string;
  title: string;
  config: unknown;
}

const NORMAL = '#2b7bba';
const ANOMALY = '#d6452b';

/** At most `max` evenly spaced points of a curve (first and last kept). */
export function thin(x: number[], y: number[], max = 400): { x: number; y: number }[] {
  const n = Math.min(x.length, y.length);
  const step = Math.max(1, Math.ceil(n / max));
  const pts: { x: number; y: number }[] = [];
  for (let i = 0; i < n; i += step) pts.push({ x: x[i], y: y[i] });
  if (n > 0 && (n - 1) % step !== 0) pts.push({ x: x[n - 1], y: y[n - 1] });
  return pts;
}

const axes = (x: string, y: string, extra: Record<string, unknown> = {}) => ({
  x: { type: 'linear', title: { display: true, text: x }, ...extra },
  y: { type: 'linear', title: { display: true, text: y }, ...extra },
});

function curveChart(id: string, title: string, pts: { x: number; y: number }[], xLabel: string, yLabel: string, diagonal: boolean): ChartSpec {
  const datasets: unknown[] = [{ label: title, data: pts, borderColor: ANOMALY, backgroundColor: ANOMALY, pointRadius: 0, borderWidth: 2, showLine: true }];
  if (diagonal) datasets.push({ label: 'chance', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: '#999', borderDash: [4, 4], pointRadius: 0, borderWidth: 1, showLine: true });
  return {
    id,
    title,
    config: { type: 'scatter', data: { datasets }, options: { animation: false, scales: axes(xLabel, yLabel, { min: 0, max: 1 }), plugins: { legend: { display: diagonal } } } },
  };
}

export function rocChart(m: Metrics): ChartSpec | undefined {
  if (!m.roc) return undefined;
  const auc = m.auroc === null ? '' : ` (AUROC ${m.auroc.toFixed(4)})`;
  return curveChart('roc', `ROC curve${auc}`, thin(m.roc.x, m.roc.y), 'false-positive rate', 'true-positive rate', true);
}

export function prChart(m: Metrics): ChartSpec | undefined {
  if (!m.pr) return undefined;
  const ap = m.auprc == null ? '' : ` (AUPRC ${m.auprc.toFixed(4)})`;
  return curveChart('pr', `Precision-recall curve${ap}`, thin(m.pr.x, m.pr.y), 'recall', 'precision', false);
}

/** Histogram counts of `values` over `bins` equal bins spanning [lo, hi]. */
export function histogram(values: number[], lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
  return counts;
}

export function scoreHistogramChart(s: Scores, bins = 40): ChartSpec | undefined {
  if (s.scores.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s.scores) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const w = (hi - lo) / bins || 1;
  const centers = Array.from({ length: bins }, (_, i) => Number((lo + (i + 0.5) * w).toPrecision(4)));
  const groups: { label: string; color: string; values: number[] }[] = [];
  if (s.labels) {
    groups.push({ label: 'normal', color: NORMAL, values: s.scores.filter((_, i) => s.labels![i] === 0) });
    groups.push({ label: 'anomalous', color: ANOMALY, values: s.scores.filter((_, i) => s.labels![i] === 1) });
  } else {
    groups.push({ label: 'all samples', color: NORMAL, values: s.scores });
  }
  const datasets = groups.map((g) => ({
    label: `${g.label} (${g.values.length})`,
    data: histogram(g.values, lo, hi, bins).map((c) => c / Math.max(1, g.values.length)),
    backgroundColor: g.color + '99',
    borderColor: g.color,
    borderWidth: 1,
    barPercentage: 1,
    categoryPercentage: 1,
  }));
  const annotation = s.threshold === null ? '' : ` - threshold ${s.threshold.toPrecision(4)}`;
  return {
    id: 'hist',
    title: `Anomaly score histogram${annotation}`,
    config: {
      type: 'bar',
      data: { labels: centers, datasets },
      options: { animation: false, scales: { x: { title: { display: true, text: 'anomaly score' } }, y: { title: { display: true, text: 'fraction of group' } } } },
    },
  };
}

export function trainingChart(h: History): ChartSpec | undefined {
  if (h.epochs.length === 0) return undefined;
  const series = (key: 'loss' | 'reconstruction' | 'entropy') => h.epochs.filter((e) => e[key] !== undefined).map((e) => ({ x: e.epoch, y: e[key] as number }));
  const datasets: unknown[] = [{ label: 'total loss', data: series('loss'), borderColor: '#333', backgroundColor: '#333', yAxisID: 'y', showLine: true }];
  const rec = series('reconstruction');
  if (rec.length) datasets.push({ label: 'reconstruction (MSE)', data: rec, borderColor: NORMAL, backgroundColor: NORMAL, yAxisID: 'y', showLine: true });
  const ent = series('entropy');
  if (ent.length) datasets.push({ label: 'addressing entropy', data: ent, borderColor: ANOMALY, backgroundColor: ANOMALY, yAxisID: 'y2', showLine: true });
  return {
    id: 'train',
    title: 'Training curves',
    config: {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' } },
          y: { type: 'linear', title: { display: true, text: 'loss' } },
          ...(ent.length ? { y2: { type: 'linear', position: 'right', title: { display: true, text: 'entropy' }, grid: { drawOnChartArea: false } } } : {}),
        },
      },
    },
  };
}

export function videoCharts(v: VideoScores): ChartSpec[] {
  return v.videos.map((video, k) => {
    const datasets: unknown[] = [
      { label: 'anomaly score', data: video.scores.map((y, x) => ({ x, y })), borderColor: ANOMALY, backgroundColor: ANOMALY, pointRadius: 0, borderWidth: 1.5, showLine: true },
    ];
    if (video.truth) {
      datasets.push({ label: 'ground truth (anomalous frames)', data: video.truth.map((y, x) => ({ x, y })), borderColor: '#888', backgroundColor: '#8883', fill: 'origin', stepped: true, pointRadius: 0, borderWidth: 1, showLine: true });
    }
    const auc = video.auroc == null ? '' : ` (AUROC ${video.auroc.toFixed(3)})`;
    return {
      id: `video${k}`,
      title: `${video.name}: per-frame score vs ground truth${auc}`,
      config: { type: 'scatter', data: { datasets }, options: { animation: false, scales: { x: { type: 'linear', title: { display: true, text: 'frame' } }, y: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'score' } } } } },
    };
  });
}
