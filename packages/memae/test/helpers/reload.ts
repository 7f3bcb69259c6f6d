// Save -> load round trip of a detector: same variant, same config, identical scores; disposes both detectors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemAE } from '../../src/detector/memae.js';

export async function expectSameAfterReload(det: MemAE, data: Parameters<MemAE['score']>[0], scores: ArrayLike<number>, variant: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'memae-reload-'));
  try {
    await det.save(dir);
    const loaded = await MemAE.load(dir);
    assert.equal(loaded.variant, variant);
    assert.deepEqual(loaded.config, det.config);
    assert.deepEqual(Array.from(await loaded.score(data)), Array.from(scores));
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    det.dispose();
  }
}
