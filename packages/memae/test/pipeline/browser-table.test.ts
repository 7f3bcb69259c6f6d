// The browser page with a tabular model in real headless Chromium: a dropped CSV file goes through the model's saved
// preprocessing; its scores equal Node's for the same file, and a row dropped alone scores as inside the file. The
// model is a seed ensemble of 2 (detector/ensemble.ts): the page loads both networks and averages as Node does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ArrayDataset } from '../../src/data/dataset.js';
import { readTable } from '../../src/data/table.js';
import { readWithModel } from '../../src/cli/csv-source.js';
import { TabularPreprocessor } from '../../src/preprocess/tabular.js';
import { createDetector } from '../../src/run/detector-port.js';
import { openPage } from '../browser/chromium.js';
import { serveStatic } from '../../web/static-server.js';
import { tempDir } from '../data/helpers.js';
import { kddRows, writeCsv } from './kdd-slice.js';

const BUILD = fileURLToPath(new URL('../../web/build.ts', import.meta.url));

test('the page scores CSV rows through the saved preprocessing like Node; a row alone as inside the file', async () => {
  const dir = tempDir();
  const rows = kddRows(120);
  const t = await readTable(writeCsv(join(dir, 'train.csv'), rows), { labelColumn: 'label', normalLabels: ['normal.'] });
  const pre = TabularPreprocessor.fit(t, { label: 'label', labelValues: { normal: ['normal.'] } });
  // an ensemble of 2 (members/1 fetched from the model's URL; one network is the same path with no members)
  const det = await createDetector({ kind: 'tabular', variant: 'memae', inputShape: [pre.featureCount], seed: 1, preprocessing: pre.toJSON(), ensemble: 2 });
  await det.fit(new ArrayDataset(pre.transform(t), [pre.featureCount]), { epochs: 2, batchSize: 32 });
  const five = writeCsv(join(dir, 'five.csv'), rows.slice(10, 15));
  const one = writeCsv(join(dir, 'one.csv'), rows.slice(13, 14));
  const want = Array.from(await det.score((await readWithModel(five, pre)).dataset));
  const out = join(dir, 'site');
  mkdirSync(out);
  await det.save(join(out, 'model'));
  det.dispose();
  execFileSync(process.execPath, ['--import', 'tsx', BUILD, '--out', out], { stdio: 'pipe' });

  const site = await serveStatic(out);
  const s = await openPage();
  try {
    await s.page.goto(site.url);
    await s.page.waitForSelector('body[data-ready], body[data-error]', { timeout: 60_000 });
    assert.equal(await s.page.getAttribute('body', 'data-error'), null);
    const drop = async (file: string): Promise<number[]> => {
      await s.page.evaluate(() => delete document.body.dataset.scores);
      await s.page.setInputFiles('#file', file);
      await s.page.waitForSelector('body[data-scores], body[data-error]', { timeout: 30_000 });
      assert.equal(await s.page.getAttribute('body', 'data-error'), null);
      return JSON.parse((await s.page.getAttribute('body', 'data-scores'))!) as number[];
    };
    const got = await drop(five);
    assert.equal(got.length, 5);
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-4 * Math.max(1, want[i]), `row ${i}: browser ${g}, Node ${want[i]}`));
    const alone = await drop(one);
    assert.equal(alone.length, 1);
    assert.ok(Math.abs(alone[0] - got[3]) < 1e-5 * got[3], `alone ${alone[0]} vs in file ${got[3]}`);
    assert.match((await s.page.textContent('#rows')) ?? '', /row 1/);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
    await site.close();
  }
});
