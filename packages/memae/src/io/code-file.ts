// An image model's code index (score/code-index.ts) on disk: codes.bin beside weights.bin, raw little-endian
// float32, rows x width; the manifest's `codeScore` gives its shape, size and sha256, checked when loading.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors/user-error.js';
import { checkCodeIndexShape, codeIndexFromBytes, type CodeIndex } from '../score/code-index.js';
import { writeFileAtomic } from './atomic.js';
import { readFileGuarded, resolveInside } from './guarded-read.js';
import { MANIFEST_FILE, type Manifest } from './manifest.js';

export const CODES_FILE = 'codes.bin';
export type CodeScoreEntry = NonNullable<Manifest['codeScore']>;

/** Writes the index's codes into `dir` and returns the manifest's entry for them. */
export function writeCodeIndex(dir: string, index: CodeIndex): CodeScoreEntry {
  const bytes = new Uint8Array(index.codes.buffer, index.codes.byteOffset, index.codes.byteLength);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, CODES_FILE), [bytes]);
  return { file: CODES_FILE, k: index.k, method: index.method, rows: index.rows, width: index.width, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The index a manifest lists, checked: inside the folder, its checksum, size, finite values, the model's code width. */
export function readCodeIndex(dir: string, e: CodeScoreEntry, width: number): CodeIndex {
  const where = join(dir, MANIFEST_FILE);
  checkCodeIndexShape(e, width, join(dir, e.file));
  const b = readFileGuarded(resolveInside(dir, e.file, where), { what: 'code index', maxBytes: e.bytes });
  if (createHash('sha256').update(b).digest('hex') !== e.sha256) {
    throw new UserError(`${join(dir, e.file)}: ${b.length} bytes that do not match manifest.json (${e.bytes} bytes, sha256 ${e.sha256.slice(0, 12)}...)`);
  }
  return codeIndexFromBytes(b, e, width, join(dir, e.file));
}
