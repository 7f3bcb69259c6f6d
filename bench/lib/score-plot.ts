// Per-frame anomaly score plots as SVG, drawn with vega-lite (compiled to vega, rendered headless by vega's
// SVG renderer: no canvas or browser needed). Ground-truth anomalous frames are shaded.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ScoreSeries {
  /** legend name, e.g. 'AE' or 'MemAE' */
  name: string;
  /** one anomaly score per frame (1 - regularity) */
  scores: ArrayLike<number>;
}

export interface ScorePlotInput {
  title: string;
  labels: ArrayLike<number>;
  series: ScoreSeries[];
  /** 1 where the frame counts in the AUC; the others (clip edges) are shaded grey */
  counted?: ArrayLike<number>;
  width?: number;
  height?: number;
}

/** Spans of consecutive frames whose value is `v`, 1-based inclusive, widened by half a frame for shading. */
function spans(values: ArrayLike<number>, v = 1): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let f = 0; f < values.length; f++) {
    if (values[f] !== v) continue;
    const start = f;
    while (f + 1 < values.length && values[f + 1] === v) f++;
    out.push({ from: start + 0.5, to: f + 1.5 });
  }
  return out;
}

export async function scorePlotSvg(p: ScorePlotInput): Promise<string> {
  const points = p.series.flatMap((s) =>
    Array.from({ length: s.scores.length }, (_, f) => ({ frame: f + 1, score: s.scores[f], model: s.name })),
  );
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: p.title,
    width: p.width ?? 640,
    height: p.height ?? 180,
    layer: [
      {
        data: { values: p.counted ? spans(p.counted, 0) : [] },
        mark: { type: 'rect', color: '#bbbbbb', opacity: 0.35 },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
      },
      {
        data: { values: spans(p.labels) },
        mark: { type: 'rect', color: '#f4a3a3', opacity: 0.45 },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'frame', type: 'quantitative', title: 'frame', scale: { domain: [1, p.labels.length], nice: false } },
          y: { field: 'score', type: 'quantitative', title: 'anomaly score (1 - regularity)', scale: { domain: [0, 1] } },
          color: { field: 'model', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'] } },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
