// The one way memae reads a file it did not write in this process (model folders, checkpoints, user data):
// regular files only (opened with O_NONBLOCK and checked with fstat, so a FIFO or a device never blocks or
// streams forever), sizes checked against a cap and against what the caller expects *before* allocating,
// and paths named inside a folder (model.json, manifest.json) confined to that folder, symlinks included.
// Every refusal is a one-line UserError naming the file.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors/user-error.js';

/** Default cap on one file read whole (weights, checkpoints, images): 2 GiB, or MEMAE_MAX_FILE_BYTES. */
export function maxFileBytes(): number {
  const env = Number(process.env.MEMAE_MAX_FILE_BYTES);
  return Number.isSafeInteger(env) && env > 0 ? env : 2 * 1024 ** 3;
}

/** Cap on JSON metadata files (model.json, manifest.json, a checkpoint header): 64 MiB. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export interface GuardOptions {
  /** refuse files larger than this (default maxFileBytes()) */
  maxBytes?: number;
  /** the exact size the caller's header promises; anything else is refused before reading */
  expectBytes?: number;
  /** what the file is, for messages ("weights file", "checkpoint") */
  what?: string;
  /** refuse an empty file (default true) */
  nonEmpty?: boolean;
}

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openError(path: string, what: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${path}: no such ${what}`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${path}: permission denied reading the ${what}`);
  if (code === 'ELOOP') return new UserError(`${path}: too many levels of symbolic links`);
  if (code === 'ENXIO') return new UserError(`${path}: the ${what} is not a regular file`);
  return new UserError(`${path}: cannot read the ${what} (${code ?? (e as Error).message})`);
}

function checkStats(path: string, st: Stats, o: GuardOptions): number {
  const what = o.what ?? 'file';
  if (!st.isFile()) throw new UserError(`${path}: the ${what} is ${kindOf(st)}, not a regular file`);
  const max = o.maxBytes ?? maxFileBytes();
  if (st.size > max) throw new UserError(`${path}: the ${what} holds ${st.size} bytes, over the limit of ${max}`);
  if ((o.nonEmpty ?? true) && st.size === 0) throw new UserError(`${path}: the ${what} is empty`);
  if (o.expectBytes !== undefined && st.size !== o.expectBytes) {
    throw new UserError(`${path}: the ${what} holds ${st.size} bytes, ${o.expectBytes} expected (truncated or replaced)`);
  }
  return st.size;
}

/** Opens `path` for a guarded read; a failure is the one-line open error naming the file. */
function openGuardedSync(path: string, what: string): number {
  try {
    return openSync(path, FLAGS);
  } catch (e) {
    throw openError(path, what, e);
  }
}

/** Reads a whole regular file, guarded (see GuardOptions). */
export function readFileGuarded(path: string, o: GuardOptions = {}): Buffer {
  const what = o.what ?? 'file';
  const fd = openGuardedSync(path, what);
  try {
    const size = checkStats(path, fstatSync(fd), o);
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) throw new UserError(`${path}: the ${what} shrank while being read`);
      off += n;
    }
    return buf;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw openError(path, what, e);
  } finally {
    closeSync(fd);
  }
}

/** Async readFileGuarded (image decoding runs many reads concurrently). */
export async function readFileGuardedAsync(path: string, o: GuardOptions = {}): Promise<Buffer> {
  const what = o.what ?? 'file';
  let fh;
  try {
    fh = await open(path, FLAGS);
  } catch (e) {
    throw openError(path, what, e);
  }
  try {
    const size = checkStats(path, await fh.stat(), o);
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off);
      if (bytesRead === 0) throw new UserError(`${path}: the ${what} shrank while being read`);
      off += bytesRead;
    }
    return buf;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw openError(path, what, e);
  } finally {
    await fh.close();
  }
}

/** Checks that `path` is a readable regular file without reading it (for files read as streams). */
export function assertRegularFile(path: string, o: Omit<GuardOptions, 'expectBytes'> = {}): number {
  const what = o.what ?? 'file';
  const fd = openGuardedSync(path, what);
  try {
    return checkStats(path, fstatSync(fd), { maxBytes: Number.MAX_SAFE_INTEGER, nonEmpty: false, ...o });
  } finally {
    closeSync(fd);
  }
}

const inside = (base: string, p: string): boolean => {
  const r = relative(base, p);
  return r !== '' && !r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r);
};

/**
 * The path of `name` (as written inside `file`, e.g. a weights path in model.json) within `dir`.
 * Refuses absolute paths, `..` escapes and symlinks resolving outside `dir`; the message never describes
 * the foreign file (not even whether it exists).
 */
export function resolveInside(dir: string, name: unknown, file: string): string {
  const refuse = () => new UserError(`${file}: the path ${JSON.stringify(String(name)).slice(0, 200)} leaves the model folder; only files inside it are read`);
  if (typeof name !== 'string' || name === '' || name.includes('\0') || isAbsolute(name)) throw refuse();
  let base: string;
  try {
    base = realpathSync(dir);
  } catch (e) {
    throw openError(dir, 'folder', e);
  }
  const target = resolve(base, name);
  if (!inside(base, target)) throw refuse();
  let real: string;
  try {
    real = realpathSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // a dangling symlink or a missing file: name it only by its path inside the folder
      throw new UserError(`${file}: the file ${JSON.stringify(name)} it names is missing`);
    }
    throw openError(target, 'file', e);
  }
  if (!inside(base, real)) throw refuse();
  return real;
}
