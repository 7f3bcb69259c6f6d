// Child process for the save/load test: loads a saved model on tfjs `cpu` and prints its scores.
// It refuses to load the libtorch addon, so a pass proves saved models need no native code.
const realDlopen = process.dlopen;
process.dlopen = ((module: unknown, filename: string, ...rest: unknown[]) => {
  if (/tfjs-backend-libtorch|libtorch/.test(filename)) throw new Error(`native addon loaded: ${filename}`);
  return (realDlopen as (...a: unknown[]) => unknown)(module, filename, ...rest);
}) as typeof process.dlopen;

const [dir, limit] = process.argv.slice(2);
const tf = await import('@tensorflow/tfjs-core');
const { MemAE } = await import('../../src/index.js');
const { mnistSlice } = await import('./mnist.js');
const det = await MemAE.load(dir, { backend: 'cpu' });
const data = await mnistSlice({ split: 'test', limit: Number(limit) });
const scores = await det.score(data);
const loadedNative = Object.keys((await import('node:module')).createRequire(import.meta.url).cache).filter((k) => k.endsWith('.node'));
process.stdout.write(JSON.stringify({ backend: tf.getBackend(), scores: Array.from(scores), threshold: det.threshold, loadedNative }) + '\n');
