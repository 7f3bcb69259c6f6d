import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temporary folder, removed after the test file. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'memae-test-'));
  after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
