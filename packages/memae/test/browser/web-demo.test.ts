// The browser demo in real headless Chromium: load a trained model, drop a real Fashion-MNIST PNG, read the score.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ArrayDataset } from '../../src/data/dataset.js';
import { loadDetector } from '../../src/run/detector-port.js';
import { tinyModel } from '../ui-helpers/tiny-model.js';
import { openPage } from './chromium.js';
import { serveStatic } from '../../web/static-server.js';

const BUILD = fileURLToPath(new URL('../../web/build.ts', import.meta.url));

test('the demo page scores a dropped image like the library does, with no console errors', async () => {
  const tiny = await tinyModel();
  const out = mkdtempSync(join(tmpdir(), 'memae-web-'));
  execFileSync(process.execPath, ['--import', 'tsx', BUILD, '--out', out], { stdio: 'pipe' });
  cpSync(tiny.dir, join(out, 'model'), { recursive: true });
  const det = await loadDetector(tiny.dir);
  const want = (await det.score(new ArrayDataset(tiny.anomalySample, [28, 28, 1])))[0];
  det.dispose();

  const site = await serveStatic(out);
  const s = await openPage();
  try {
    await s.page.goto(site.url);
    await s.page.waitForSelector('body[data-ready], body[data-error]', { timeout: 60_000 });
    assert.equal(await s.page.getAttribute('body', 'data-error'), null);
    await s.page.setInputFiles('#file', tiny.pngs.anomaly);
    await s.page.waitForSelector('body[data-score]', { timeout: 30_000 });
    const got = Number(await s.page.getAttribute('body', 'data-score'));
    assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, want), `browser score ${got}, library score ${want}`);
    const heat = await s.page.$eval('#heat', (c) => [(c as HTMLCanvasElement).width, c.getBoundingClientRect().width]);
    assert.deepEqual(heat[0], 28);
    assert.ok(heat[1] > 100);
    assert.match((await s.page.textContent('#verdict')) ?? '', /anomaly|normal/);
    await s.page.screenshot({ path: join(tmpdir(), 'memae-web-demo.png'), fullPage: true });
    // kept in IndexedDB (weights, manifest and the code index), loaded back from there: the same score
    await s.page.click('#keep');
    await s.page.waitForSelector('body[data-kept]', { timeout: 30_000 });
    await s.page.goto(`${site.url}?model=indexeddb://memae-demo`);
    await s.page.waitForSelector('body[data-ready], body[data-error]', { timeout: 60_000 });
    assert.equal(await s.page.getAttribute('body', 'data-error'), null);
    await s.page.setInputFiles('#file', tiny.pngs.anomaly);
    await s.page.waitForSelector('body[data-score]', { timeout: 30_000 });
    const again = Number(await s.page.getAttribute('body', 'data-score'));
    assert.ok(Math.abs(again - want) < 1e-4 * Math.max(1, want), `from IndexedDB ${again}, library score ${want}`);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
    await site.close();
  }
});
