import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTable } from '../../src/data/table.js';
import { TabularPreprocessor } from '../../src/data/preprocess.js';
import { loadCsv } from '../../src/data/tabular.js';
import { KDD_CATEGORICAL, KDD_COLUMNS, kddPath, loadKdd } from '../../src/data/kdd.js';
import { sharedDir } from '../../src/data/shared.js';
import { UserError } from '../../src/errors/user-error.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
let kdd: string | undefined;
try {
  kdd = kddPath();
} catch {
  kdd = undefined;
}
const noKdd = kdd ? false : 'shared/datasets/kddcup99 not found (set MEMAE_SHARED)';

describe('CSV / TSV tables', () => {
  it('categorical one-hot and min-max fitted on training rows only; JSON round trip', async () => {
    const p = join(dir, 'small.csv');
    writeFileSync(p, 'size,colour,weight,label\n1,red,10,normal\n3,blue,20,normal\n5,red,30,anomaly\n9,green,40,normal\n');
    const t = await readTable(p);
    assert.deepEqual(t.names, ['size', 'colour', 'weight']);
    assert.deepEqual(t.kinds, ['numeric', 'categorical', 'numeric']);
    assert.deepEqual(Array.from(t.labels!), [0, 0, 1, 0]);
    const pre = TabularPreprocessor.fit(t, { rows: [0, 1] });
    assert.deepEqual(pre.featureNames(), ['size', 'colour=blue', 'colour=red', 'weight']);
    const x = Array.from(pre.transform(t));
    assert.deepEqual(x, [0, 0, 1, 0, 1, 1, 0, 1, 2, 0, 1, 2, 4, 0, 0, 3]);
    const back = TabularPreprocessor.fromJSON(JSON.parse(JSON.stringify(pre)));
    assert.deepEqual(back.transform(t), pre.transform(t));
    assert.deepEqual(back.transformRecords([[5, 'red', 30]]), pre.transform(t, [2]));
    assert.throws(() => TabularPreprocessor.fromJSON({ format: 'x' }), UserError);
  });
  it('TSV with a named label column and explicit label values', async () => {
    const p = join(dir, 'small.tsv');
    writeFileSync(p, 'cls\ta\tb\nok\t1\t2\nbad\t3\t4\n');
    const { dataset, preprocessor } = await loadCsv(p, { labelColumn: 'cls', anomalyLabels: ['bad'], normalLabels: ['ok'] });
    assert.deepEqual(dataset.sampleShape, [2]);
    assert.deepEqual(Array.from(dataset.labels!), [0, 1]);
    assert.deepEqual(Array.from(dataset.values), [0, 0, 1, 1]);
    assert.equal(preprocessor.featureCount, 2);
  });
  it('bad files: ragged row, NaN, text in a numeric column, unknown label', async () => {
    const w = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    await assert.rejects(readTable(w('ragged.csv', 'a,b,label\n1,2,0\n3,4,0\n5,1\n')), (e: Error) => e instanceof UserError && e.message === `${join(dir, 'ragged.csv')}:4: ragged row: 2 fields, expected 3`);
    await assert.rejects(readTable(w('nan.csv', 'a,b,label\n1,2,0\n3,NaN,1\n')), /nan\.csv:3: column "b": "NaN" is missing or non-finite value/);
    await assert.rejects(readTable(w('empty-cell.csv', 'a,b,label\n1,2,0\n3,,1\n')), /empty-cell\.csv:3: column "b": "" is missing/);
    await assert.rejects(readTable(w('text.csv', 'a,b,label\n1,2,0\n3,x,1\n')), /text\.csv:3: column "b": "x" is not a number/);
    await assert.rejects(readTable(w('label.csv', 'a,label\n1,0\n2,maybe\n')), /label\.csv:3: unknown label "maybe"/);
    await assert.rejects(readTable(w('label2.csv', 'a,label\n1,x\n2,y\n3,z\n'), { anomalyLabels: ['x'], normalLabels: ['y'] }), /label2\.csv:4: unknown label "z" \(it is in neither/);
    await assert.rejects(readTable(w('nolabel.csv', 'a,b\n1,2\n'), { labelColumn: 'c' }), /label column "c" not found/);
    await assert.rejects(readTable(w('head.csv', 'a,b\n')), /no data rows/);
    await assert.rejects(readTable(join(dir, 'missing.csv')), /missing\.csv: file not found/);
  });
});

describe('KDD Cup 99', { skip: noKdd }, () => {
  it('the shared folder is found', () => {
    assert.ok(existsSync(join(sharedDir(), 'datasets')));
  });
  it('first 2000 rows parse with the right column kinds', async () => {
    const t = await readTable(kdd!, { header: KDD_COLUMNS, labelColumn: 'label', categorical: KDD_CATEGORICAL, anomalyLabels: ['normal.'], limit: 2000 });
    assert.equal(t.rows, 2000);
    assert.equal(t.names.length, 41);
    assert.equal(t.kinds.filter((k) => k === 'categorical').length, 3);
    assert.equal(Array.from(t.labels!).filter((l) => l === 1).length, 1998, 'the first 2000 rows hold 1998 normal. and 2 buffer_overflow.');
    assert.equal((t.columns[t.names.indexOf('src_bytes')] as Float64Array)[0], 181);
  });
  it('protocol on the first 10000 rows: half the attacks train, the rest plus all normal. test', async () => {
    const a = await loadKdd({ limit: 10000, seed: 1 });
    const b = await loadKdd({ limit: 10000, seed: 1 });
    const c = await loadKdd({ limit: 10000, seed: 2 });
    const attacks = 10000 - 7787;
    assert.equal(a.train.size, Math.round(attacks / 2));
    assert.equal(a.test.size, 10000 - a.train.size);
    assert.equal(Array.from(a.test.labels!).filter((l) => l === 1).length, 7787);
    assert.ok(Array.from(a.train.labels!).every((l) => l === 0));
    assert.deepEqual(a.trainRows, b.trainRows, 'same seed, same split');
    assert.notDeepEqual(a.trainRows, c.trainRows);
    assert.equal(new Set([...a.trainRows, ...a.testRows]).size, 10000);
    // numeric features of the training rows lie in [0, 1]; one-hot blocks hold a single 1
    const f = a.preprocessor.featureCount;
    const names = a.preprocessor.featureNames();
    for (let i = 0; i < a.train.size; i++) {
      let hot = 0;
      for (let j = 0; j < f; j++) {
        const v = a.train.values[i * f + j];
        if (names[j].includes('=')) hot += v;
        else assert.ok(v >= 0 && v <= 1);
      }
      assert.equal(hot, 3);
    }
  });
});
