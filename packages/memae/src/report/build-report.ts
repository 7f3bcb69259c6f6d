// `memae report RUN_DIR`: one self-contained, offline HTML file (Chart.js and every image inlined).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors/user-error.js';
import {
  HistorySchema, MemorySchema, MetricsSchema, RUN_FILES, SamplesSchema, ScoresSchema, VideoSchema,
  type SampleEntry,
} from '../run/run-files.js';
import { videoClipSection } from './video-section.js';
import { prChart, rocChart, scoreHistogramChart, trainingChart, videoCharts, type ChartSpec } from './charts.js';

const require = createRequire(import.meta.url);

function readJson<S extends z.ZodType>(dir: string, file: string, schema: S): z.infer<S> | undefined {
  const p = join(dir, file);
  if (!existsSync(p)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new UserError(`${p}: not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new UserError(`${p}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function imageUri(dir: string, rel: string | undefined): string {
  if (!rel) return '';
  const p = resolve(dir, rel);
  if (!p.startsWith(resolve(dir))) throw new UserError(`${rel}: image path leaves the run directory`);
  if (!existsSync(p)) return '';
  return `data:image/png;base64,${readFileSync(p).toString('base64')}`;
}

function sampleTable(dir: string, title: string, entries: SampleEntry[], classNames?: string[]): string {
  if (entries.length === 0) return '';
  const img = (rel: string | undefined, alt: string) => {
    const uri = imageUri(dir, rel);
    return uri ? `<img class="px" src="${uri}" alt="${alt}">` : '<span class="na">-</span>';
  };
  const rows = entries
    .map(
      (e) => `<tr><td>${e.index}</td><td>${e.class === undefined ? '' : esc(classNames?.[e.class] ?? String(e.class))}</td><td>${e.label === undefined ? '' : e.label ? 'anomaly' : 'normal'}</td>` +
        `<td>${e.score.toPrecision(4)}</td><td>${img(e.input, 'input')}</td><td>${img(e.reconstruction, 'reconstruction')}</td><td>${img(e.error, 'error')}</td></tr>`,
    )
    .join('\n');
  return `<section><h2>${esc(title)}</h2><table class="samples"><thead><tr><th>sample</th><th>class</th><th>truth</th><th>score</th><th>input</th><th>reconstruction</th><th>error map</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** Builds the report HTML of a run directory. */
export function buildReport(runDir: string): string {
  const dir = resolve(runDir);
  if (!existsSync(dir)) throw new UserError(`${runDir}: no such run directory`);
  const scores = readJson(dir, RUN_FILES.scores, ScoresSchema);
  const metrics = readJson(dir, RUN_FILES.metrics, MetricsSchema);
  const history = readJson(dir, RUN_FILES.history, HistorySchema);
  const samples = readJson(dir, RUN_FILES.samples, SamplesSchema);
  const memory = readJson(dir, RUN_FILES.memory, MemorySchema);
  const video = readJson(dir, RUN_FILES.video, VideoSchema);
  if (!scores && !metrics && !history) {
    throw new UserError(`${runDir}: not a run directory (no ${RUN_FILES.scores}, ${RUN_FILES.metrics} or ${RUN_FILES.history}); make one with memae train or memae eval`);
  }
  const config = existsSync(join(dir, RUN_FILES.config)) ? readFileSync(join(dir, RUN_FILES.config), 'utf8') : undefined;

  const charts: ChartSpec[] = [];
  const push = (c: ChartSpec | undefined) => c && charts.push(c);
  if (metrics) {
    push(rocChart(metrics));
    push(prChart(metrics));
  }
  if (scores) push(scoreHistogramChart(scores));
  if (history) push(trainingChart(history));
  if (video) charts.push(...videoCharts(video));

  const summary: [string, string][] = [];
  const fmt = (v: number | null | undefined, d = 4) => (v == null ? '-' : v.toFixed(d));
  if (metrics) {
    summary.push(['AUROC', fmt(metrics.auroc)], ['AUPRC', fmt(metrics.auprc)]);
    const b = metrics.baseline;
    if (b) summary.push([`baseline: ${b.label}, same split`, `AUROC ${fmt(b.auroc)}, AUPRC ${fmt(b.auprc)}`]);
    if (metrics.threshold != null) summary.push(['threshold', metrics.threshold.toPrecision(4)]);
    if (metrics.f1 !== undefined) summary.push(['precision / recall / F1', `${fmt(metrics.precision, 3)} / ${fmt(metrics.recall, 3)} / ${fmt(metrics.f1, 3)}`]);
    if (metrics.normalCount !== undefined) summary.push(['test samples (normal / anomalous)', `${metrics.normalCount} / ${metrics.anomalyCount ?? 0}`]);
  }
  if (history && history.epochs.length) {
    const last = history.epochs[history.epochs.length - 1];
    summary.push(['epochs', String(history.epochs.length)], ['final loss', last.loss.toPrecision(4)]);
    const secs = history.epochs.reduce((a, e) => a + (e.seconds ?? 0), 0);
    if (secs > 0) summary.push(['training time', `${secs.toFixed(1)} s`]);
  }

  const chartJs = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  const chartData = JSON.stringify(charts.map((c) => ({ id: c.id, config: c.config }))).replace(/</g, '\\u003c');
  const memHtml = memory && memory.slots.length
    ? `<section><h2>Memory items decoded (${memory.slots.length} slots)</h2><p>Each memory slot passed through the decoder (a per-location slot is repeated at every position of the latent map): the prototypes the model can reconstruct from.</p><div class="mem">${memory.slots
        .map((s) => `<figure><img class="px" src="${imageUri(dir, s.image)}" alt="slot ${s.slot}"><figcaption>${s.slot}</figcaption></figure>`)
        .join('')}</div></section>`
    : '';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>memae report - ${esc(runDir)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px 24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
.summary td{padding:2px 12px 2px 0}.summary td:first-child{color:#666}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:18px}
.chart{border:1px solid #e3e3e3;border-radius:6px;padding:8px}.chart h3{font-size:14px;margin:0 0 6px}
.chart canvas{width:100%;height:300px}
img.px{image-rendering:pixelated;width:84px;height:84px;border:1px solid #ccc}
.samples td{padding:3px 8px;text-align:center}.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:18px}.mem{display:flex;flex-wrap:wrap;gap:6px}
.mem figure{margin:0;text-align:center;font-size:11px;color:#666}.mem img.px{width:56px;height:56px}
.strip{margin:8px 0}.strip img{image-rendering:pixelated;max-width:100%;height:96px}.strip figcaption{font-size:12px;color:#555}
pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}
</style></head><body>
<h1>memae report</h1>
<p>Run directory <code>${esc(runDir)}</code>.</p>
<table class="summary">${summary.map(([k, v]) => `<tr><td>${esc(k)}</td><td><b>${esc(v)}</b></td></tr>`).join('')}</table>
<div class="charts">${charts.map((c) => `<div class="chart"><h3>${esc(c.title)}</h3><div style="position:relative;height:300px"><canvas id="chart-${c.id}"></canvas></div></div>`).join('')}</div>
${samples ? `<div class="pair">${sampleTable(dir, 'Top anomalies (highest scores)', samples.topAnomalies, scores?.classNames)}${sampleTable(dir, 'Most normal samples (lowest scores)', samples.mostNormal, scores?.classNames)}</div>` : ''}
${video?.topClips ? videoClipSection(video.topClips, (rel) => imageUri(dir, rel)) : ''}
${memHtml}
${config ? `<section><h2>Configuration</h2><pre>${esc(config)}</pre></section>` : ''}
<script>${chartJs}</script>
<script>
const specs = ${chartData};
for (const s of specs) {
  const cfg = s.config;
  cfg.options = Object.assign({ responsive: true, maintainAspectRatio: false }, cfg.options);
  new Chart(document.getElementById('chart-' + s.id), cfg);
}
document.body.dataset.charts = String(specs.length);
</script>
</body></html>
`;
}

/** Writes the report next to the run files (or to `out`) and returns its path. */
export function writeReport(runDir: string, out?: string): string {
  const html = buildReport(runDir);
  const file = resolve(out ?? join(runDir, 'report.html'));
  writeFileSync(file, html);
  return file;
}
