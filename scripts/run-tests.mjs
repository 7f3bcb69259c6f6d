// Runs every packages/*/test/**/*.test.ts with node's test runner (TypeScript through tsx).
// Arguments narrow the set: `npm run test:unit -- memory` runs files whose path contains "memory".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = readdirSync('packages')
  .flatMap((p) => { try { return walk(join('packages', p, 'test')); } catch { return []; } })
  .concat(walk(join('bench', 'video', 'test'))) // the video benchmark's data generators
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
