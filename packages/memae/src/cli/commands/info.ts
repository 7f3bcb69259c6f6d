// memae info: versions, backend, default dataset and (optionally) a saved model.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_FASHION_MNIST } from '../config.js';
import { loadDetector } from '../../run/detector-port.js';

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

export async function info(modelDir: string | undefined, flags: { json?: boolean }): Promise<void> {
  const fmnist = process.env.MEMAE_FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST;
  const o: Record<string, unknown> = {
    memae: '0.1.0',
    node: process.version,
    tfjs: version('@tensorflow/tfjs'),
    platform: `${process.platform}-${process.arch}`,
    // how bin/memae.mjs started the CLI: the bundle built at install (dist/) or the TypeScript sources (tsx)
    entry: process.env.MEMAE_ENTRY ?? 'library',
    fashionMnist: existsSync(fmnist) ? fmnist : `missing (apt-get install dataset-fashion-mnist)`,
  };
  if (modelDir) {
    const det = await loadDetector(modelDir);
    try {
      o.model = { dir: modelDir, ...det.describe() };
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
