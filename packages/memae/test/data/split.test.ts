import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArrayDataset } from '../../src/data/dataset.js';
import { permutation, seededRng } from '../../src/data/random.js';
import { oneClassSplit, splitIndices, trainValSplit } from '../../src/data/split.js';
import { loadMnist } from '../../src/data/mnist.js';
import { UserError } from '../../src/errors/user-error.js';

describe('seeded randomness and splits', () => {
  it('same seed, same sequence; other seed, other sequence', () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const c = seededRng(8);
    const xa = Array.from({ length: 5 }, a);
    assert.deepEqual(xa, Array.from({ length: 5 }, b));
    assert.notDeepEqual(xa, Array.from({ length: 5 }, c));
    assert.ok(xa.every((v) => v >= 0 && v < 1));
  });
  it('permutation is a permutation and roughly uniform', () => {
    const p = permutation(1000, 3);
    assert.deepEqual(Array.from(p).sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(p, permutation(1000, 3));
    // first-position frequencies over many seeds: every element of 0..4 appears
    const seen = new Set(Array.from({ length: 200 }, (_, s) => permutation(5, s)[0]));
    assert.equal(seen.size, 5);
  });
  it('splitIndices covers every index exactly once', () => {
    const [a, b, c] = splitIndices(101, [0.6, 0.2, 0.2], 1);
    assert.deepEqual([a.length, b.length, c.length], [61, 20, 20]);
    assert.equal(new Set([...a, ...b, ...c]).size, 101);
    assert.throws(() => splitIndices(10, [0.5, 0.6], 0), UserError);
  });
  it('trainValSplit on a small dataset keeps samples and classes together', () => {
    const ds = new ArrayDataset(Float32Array.from({ length: 20 }, (_, i) => i), [2], undefined, Int32Array.from({ length: 10 }, (_, i) => i));
    const { train, val } = trainValSplit(ds, 0.3, 5);
    assert.equal(train.size + val.size, 10);
    assert.equal(val.size, 3);
    const v = val.gather([0, 1, 2]);
    for (let i = 0; i < 3; i++) assert.equal(v[2 * i], 2 * val.classes![i]);
    assert.throws(() => trainValSplit(ds, 1.5, 0), UserError);
  });
  it('oneClassSplit on the first 100 MNIST images', async () => {
    const train = await loadMnist({ limit: 100 });
    const test = await loadMnist({ split: 'test', limit: 100 });
    const s = oneClassSplit(train, test, 3);
    const threes = Array.from(train.classes!).filter((c) => c === 3).length;
    assert.equal(s.train.size, threes);
    assert.ok(Array.from(s.train.classes!).every((c) => c === 3));
    assert.ok(Array.from(s.train.labels!).every((l) => l === 0));
    assert.equal(s.test.size, 100);
    for (let i = 0; i < 100; i++) assert.equal(s.test.labels![i], test.classes![i] === 3 ? 0 : 1);
    assert.throws(() => oneClassSplit(train, test, 42), /class 42 has no training samples/);
  });
});
