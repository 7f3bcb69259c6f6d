// The browser demo: load a saved model, score a dropped image, show its reconstruction and error heatmap.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadBrowserModel, toModelRange, type BrowserModel } from './load-model.js';
import { scoreCsvFile, showScores } from './table-mode.js';
import { drawHeatmap, drawSample, fileToSample } from './pixels.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => ($('status').textContent = s);

async function pickBackend(): Promise<string> {
  setWasmPaths(new URL('./', location.href).href);
  for (const name of ['wasm', 'cpu']) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // try the next backend
    }
  }
  throw new Error('no TensorFlow.js backend could start');
}

interface Scored {
  score: number;
  input: Float32Array;
  recon: Float32Array;
  map: Float32Array;
}

function scoreSample(model: BrowserModel, x: Float32Array): Scored {
  const [h, w, c] = model.inputShape;
  const out = tf.tidy(() => {
    const t = tf.tensor4d(x, [1, h, w, c]);
    const r = model.reconstruct(t);
    const d = tf.squaredDifference(t, r);
    return { recon: r.dataSync() as Float32Array, score: tf.mean(d).dataSync()[0], map: tf.mean(d, -1).dataSync() as Float32Array };
  });
  return { ...out, input: x };
}

async function main(): Promise<void> {
  const backend = await pickBackend();
  const modelUrl = new URLSearchParams(location.search).get('model') ?? './model/';
  const model = await loadBrowserModel(modelUrl);
  const [h, w, c] = model.inputShape;
  $('model').innerHTML = [
    ['model', `${model.variant} (${model.slots} memory slots)`], ['input', model.inputShape.join(' x ')], ['backend', backend],
  ].map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('');
  status(model.kind === 'tabular' ? 'ready: drop a CSV file' : 'ready: drop an image');
  document.body.dataset.ready = '1';

  const handle = async (file: File) => {
    status(`scoring ${file.name}...`);
    if (model.kind === 'tabular') {
      // table rows through the saved preprocessing (table-mode.ts)
      try {
        const scores = await scoreCsvFile(model, file);
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
    let r: Scored;
    try {
      r = scoreSample(model, toModelRange(model, await fileToSample(file, h, w, c)));
    } catch (e) {
      status(`cannot read ${file.name}: ${(e as Error).message}`);
      return;
    }
    const ms = performance.now() - t0;
    drawSample($('input'), r.input, h, w, c);
    drawSample($('recon'), r.recon, h, w, c);
    drawHeatmap($('heat'), r.map, h, w, 1);
    const anomalous = model.threshold !== null && r.score > model.threshold;
    const v = $('verdict');
    v.textContent = model.threshold === null ? 'scored (no threshold)' : anomalous ? 'anomaly' : 'normal';
    v.className = model.threshold === null ? '' : anomalous ? 'anomaly' : 'normal';
    $('score').textContent = r.score.toPrecision(5);
    $('threshold').textContent = model.threshold === null ? '-' : model.threshold.toPrecision(5);
    $('time').textContent = `${ms.toFixed(1)} ms`;
    $('result').hidden = false;
    status(`${file.name}: done`);
    document.body.dataset.score = String(r.score);
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
