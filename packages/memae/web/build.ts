// Builds the browser demo into web/dist/ with esbuild: main.js, index.html and the tfjs wasm binaries.
//   npm run build:web -- [--model RUN_DIR/model] [--out DIR] [--serve PORT]
// --model copies a saved model to dist/model/ (the page loads ./model/ unless ?model=URL is given);
// --serve then serves the folder on http://127.0.0.1:PORT/ until Ctrl-C.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1] : join(here, 'dist');
const modelIdx = args.indexOf('--model');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: join(out, 'main.js'),
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
  // tfjs-backend-wasm's emscripten glue mentions Node modules behind runtime checks
  external: ['fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'],
});
cpSync(join(here, 'index.html'), join(out, 'index.html'));
const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '.');
for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) cpSync(join(wasmDir, f), join(out, f));
if (modelIdx >= 0) cpSync(args[modelIdx + 1], join(out, 'model'), { recursive: true });
console.log(`web demo built in ${out}`);
const serveIdx = args.indexOf('--serve');
if (serveIdx >= 0) {
  const site = await serveStatic(out, Number(args[serveIdx + 1] ?? 8081));
  console.log(`serving the demo at ${site.url} (Ctrl-C stops)`);
  process.once('SIGINT', () => void site.close().then(() => process.exit(0)));
}
