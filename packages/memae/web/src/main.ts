// The browser demo: load a saved model, score a dropped image (reconstruction and error heatmap) or, for a tabular
// model, a dropped CSV file (every row through the saved preprocessing).
// Everything model-side comes from the library's browser entry, memae/browser, as in a user's page.
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadBrowserDetector, selectBrowserBackend, type BrowserScores } from 'memae/browser';
import { drawHeatmap, drawSample } from './pixels.js';
import { showScores } from './table-mode.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => ($('status').textContent = s);

async function main(): Promise<void> {
  setWasmPaths(new URL('./', location.href).href);
  const backend = await selectBrowserBackend(['wasm', 'cpu']);
  const modelUrl = new URLSearchParams(location.search).get('model') ?? './model/';
  const model = await loadBrowserDetector(modelUrl);
  const slots = model.variant === 'ae' ? 0 : model.manifest.config.slots;
  const [h, w, c] = model.inputShape;
  $('model').innerHTML = [
    ['model', `${model.variant} (${slots} memory slots)`], ['input', model.inputShape.join(' x ')], ['backend', backend],
  ].map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('');
  status(model.kind === 'tabular' ? 'ready: drop a CSV file' : 'ready: drop an image');
  // keep the model for offline use: reload the page with ?model=indexeddb://memae-demo
  const keep = $<HTMLButtonElement>('keep');
  keep.hidden = modelUrl.startsWith('indexeddb://');
  keep.addEventListener('click', () => {
    model.saveToIndexedDB('memae-demo').then(() => {
      status('kept: open this page with ?model=indexeddb://memae-demo to use it offline');
      document.body.dataset.kept = '1';
    }, (e: Error) => status(`cannot keep the model: ${e.message}`));
  });
  document.body.dataset.ready = '1';

  const handle = async (file: File) => {
    status(`scoring ${file.name}...`);
    if (model.kind === 'tabular') {
      try {
        const { scores } = await model.scoreCsv(await file.text());
        showScores($('rows'), scores, model.threshold);
        status(`${file.name}: ${scores.length} rows scored`);
        document.body.dataset.scores = JSON.stringify(Array.from(scores));
      } catch (e) {
        status(`cannot score ${file.name}: ${(e as Error).message}`);
        document.body.dataset.error = (e as Error).message;
      }
      return;
    }
    const t0 = performance.now();
    let x: Float32Array;
    let r: BrowserScores;
    try {
      x = await model.imageSample(file);
      r = await model.score(x);
    } catch (e) {
      status(`cannot read ${file.name}: ${(e as Error).message}`);
      return;
    }
    const ms = performance.now() - t0;
    const score = r.scores[0];
    // the sample is in the model's saved pixel range (imageSample), [-1, 1] for models saved without one
    const pre = model.preprocessing;
    const range = pre?.kind === 'image' ? pre.range : undefined;
    drawSample($('input'), x, h, w, c, range);
    drawSample($('recon'), r.reconstructions, h, w, c, range);
    drawHeatmap($('heat'), r.errorMaps, h, w, 1);
    const anomalous = r.anomalous[0] === 1;
    const v = $('verdict');
    v.textContent = model.threshold === null ? 'scored (no threshold)' : anomalous ? 'anomaly' : 'normal';
    v.className = model.threshold === null ? '' : anomalous ? 'anomaly' : 'normal';
    $('score').textContent = score.toPrecision(5);
    $('threshold').textContent = model.threshold === null ? '-' : model.threshold.toPrecision(5);
    $('time').textContent = `${ms.toFixed(1)} ms`;
    $('result').hidden = false;
    status(`${file.name}: done`);
    document.body.dataset.score = String(score);
  };

  const input = $<HTMLInputElement>('file');
  const drop = $('drop');
  drop.addEventListener('click', () => input.click());
  input.addEventListener('change', () => input.files?.[0] && void handle(input.files[0]));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void handle(f);
  });
}

main().catch((e: Error) => {
  status(`error: ${e.message}`);
  document.body.dataset.error = e.message;
});
