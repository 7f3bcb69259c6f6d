// The browser check: bundled by esbuild from the installed memae/browser; scores rows given by the test page.
import { loadBrowserDetector, selectBrowserBackend } from 'memae/browser';

const w = window as unknown as { rows: number[]; scores?: number[]; backend?: string; error?: string };
try {
  w.backend = await selectBrowserBackend(['cpu']);
  const det = await loadBrowserDetector('./model/');
  const r = await det.score(Float32Array.from(w.rows));
  w.scores = Array.from(r.scores);
} catch (e) {
  w.error = String(e);
}
document.body.dataset.done = '1';
