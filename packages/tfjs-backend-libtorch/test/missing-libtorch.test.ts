// Without libtorch, registering the backend fails with one clear line (checked in a child
// process, since the addon is loaded once per process).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

describe('registerLibtorchBackend without libtorch', () => {
  it('LIBTORCH pointing to an empty directory gives "libtorch not found: install libtorch-dev or set LIBTORCH"', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-libtorch-'));
    try {
      const script = `import { registerLibtorchBackend } from ${JSON.stringify(entry)};
        try { registerLibtorchBackend(); console.log('registered'); } catch (e) { console.log(e.name + ': ' + e.message); process.exit(3); }`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, LIBTORCH: empty }, encoding: 'utf8',
      });
      assert.equal(r.status, 3, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^LibtorchNotFoundError: libtorch not found: install libtorch-dev or set LIBTORCH\b/);
      assert.ok(lines[0].includes(empty), 'names the directory it looked in');
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
