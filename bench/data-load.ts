// Times the data loaders on the full real datasets: `npx tsx bench/data-load.ts`
import { loadFashionMnist, loadMnist } from '../packages/memae/src/data/mnist.js';
import { loadKdd } from '../packages/memae/src/data/kdd.js';

async function time<T>(name: string, f: () => Promise<T>, describe: (r: T) => string): Promise<void> {
  const t = performance.now();
  const r = await f();
  console.log(`${name}: ${((performance.now() - t) / 1000).toFixed(2)} s, ${describe(r)}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

await time('MNIST train (raw IDX)', () => loadMnist({ split: 'train' }), (d) => `${d.size} x [${d.sampleShape}]`);
await time('MNIST test (raw IDX)', () => loadMnist({ split: 'test' }), (d) => `${d.size} x [${d.sampleShape}]`);
await time('Fashion-MNIST train (gzip IDX)', () => loadFashionMnist({ split: 'train' }), (d) => `${d.size} x [${d.sampleShape}]`);
await time('Fashion-MNIST test (gzip IDX)', () => loadFashionMnist({ split: 'test' }), (d) => `${d.size} x [${d.sampleShape}]`);
await time('KDD Cup 99 10% (gzip CSV, protocol split)', () => loadKdd({ seed: 0 }), (k) => {
  const anomalies = k.test.labels!.reduce((a, b) => a + b, 0);
  return `train ${k.train.size}, test ${k.test.size} (${anomalies} anomalies), ${k.preprocessor.featureCount} features`;
});
