// memae info: versions, backend, default dataset and (optionally) a saved model.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_FASHION_MNIST } from '../config.js';
import { initBackend } from '../../backend/select.js';
import { VERSION } from '../../version.js';
import { loadDetector } from '../../run/detector-port.js';
import { describePreprocessing } from '../../preprocess/summary.js';

const require = createRequire(import.meta.url);

function version(pkg: string): string | null {
  try {
    const main = require.resolve(pkg);
    const i = main.lastIndexOf(`node_modules/${pkg}/`);
    return (JSON.parse(readFileSync(main.slice(0, i) + `node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** the libtorch addon: its file and where it came from (prebuilt in the npm package, or built here), or why not */
async function addonInfo(): Promise<Record<string, string>> {
  try {
    const { addonLocation } = await import('tfjs-backend-libtorch');
    const where = addonLocation();
    if (!where) return { origin: 'none', note: 'no prebuilt for this platform and none built' };
    return { origin: where.origin, file: where.file };
  } catch (e) {
    return { origin: 'none', note: (e as Error).message.split('\n')[0] };
  }
}

export async function info(modelDir: string | undefined, flags: { json?: boolean }): Promise<void> {
  const fmnist = process.env.MEMAE_FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST;
  const o: Record<string, unknown> = {
    memae: VERSION,
    node: process.version,
    tfjs: version('@tensorflow/tfjs'),
    platform: `${process.platform}-${process.arch}`,
    // how the CLI runs: the compiled package (dist/) or, in the repository, the TypeScript sources (tsx)
    entry: process.env.MEMAE_ENTRY ?? 'dist',
    backend: await initBackend(),
    addon: await addonInfo(),
    fashionMnist: existsSync(fmnist) ? fmnist : `missing (apt-get install dataset-fashion-mnist)`,
  };
  if (modelDir) {
    const det = await loadDetector(modelDir);
    try {
      o.model = { dir: modelDir, ...det.describe() };
      o.preprocessing = describePreprocessing(det.preprocessing);
    } finally {
      det.dispose();
    }
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(o, null, 2) + '\n');
    return;
  }
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'object' && v !== null) {
      process.stdout.write(`${k}:\n`);
      for (const [k2, v2] of Object.entries(v)) process.stdout.write(`  ${k2}: ${typeof v2 === 'object' ? JSON.stringify(v2) : String(v2)}\n`);
    } else process.stdout.write(`${k}: ${String(v)}\n`);
  }
}
