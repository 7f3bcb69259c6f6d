// Reader for the IDX format (MNIST, Fashion-MNIST), gzipped or raw, with validation and partial reads.
// Format: 2 zero bytes, a type byte, the number of dimensions, then one big-endian uint32 per dimension,
// then the values row-major (big-endian for multi-byte types).
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors/user-error.js';
import { assertRegularFile } from '../io/guarded-read.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  /** full shape as stored in the file (shape[0] is the item count) */
  fileShape: number[];
  /** shape of `data` (shape[0] reduced when a limit was given) */
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, [IdxType, number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

/**
 * Reads decompressed bytes until `need(head)` (called with what was read so far) returns a byte count and
 * more than that many were read, or to the end. `ended`: the whole content is in `buf`.
 */
export async function readPrefix(path: string, need: (head: Buffer) => number | undefined): Promise<{ buf: Buffer; ended: boolean }> {
  const gz = await isGzip(path);
  const file = createReadStream(path);
  const stream = gz ? file.pipe(createGunzip()) : file;
  file.on('error', (e) => stream.destroy(e));
  const chunks: Buffer[] = [];
  let have = 0;
  let want: number | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      have += chunk.length;
      if (want === undefined) want = need(Buffer.concat(chunks));
      if (want !== undefined && have > want) break;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${path}: file not found`);
    if (err.code === 'EACCES') throw new UserError(`${path}: permission denied`);
    if (gz) throw new UserError(`${path}: corrupt or truncated gzip data (${err.message})`);
    throw new UserError(`${path}: cannot read (${err.message})`);
  } finally {
    file.destroy();
    stream.destroy();
  }
  const buf = Buffer.concat(chunks);
  return { buf, ended: want === undefined || buf.length <= want };
}

export async function isGzip(path: string): Promise<boolean> {
  let fh;
  try {
    if ((await stat(path)).isDirectory()) throw new UserError(`${path}: is a folder, expected a file`);
    assertRegularFile(path, { what: 'data file' }); // a FIFO or device would block or never end
    fh = await open(path, 'r');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${path}: file not found`);
    throw new UserError(`${path}: cannot open (${err.message})`);
  }
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function parseHeader(path: string, head: Buffer): { type: IdxType; width: number; shape: number[]; offset: number } | undefined {
  if (head.length < 4) return undefined;
  const t = TYPES[head[2]];
  if (head[0] !== 0 || head[1] !== 0 || !t) {
    throw new UserError(`${path}: not an IDX file (magic number 0x${head.subarray(0, 4).toString('hex')}; expected 0x0000 then a type byte 08/09/0b/0c/0d/0e)`);
  }
  const ndim = head[3];
  if (ndim === 0) throw new UserError(`${path}: IDX header declares 0 dimensions`);
  const offset = 4 + 4 * ndim;
  if (head.length < offset) return undefined;
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(head.readUInt32BE(4 + 4 * d));
  return { type: t[0], width: t[1], shape, offset };
}

/**
 * Reads an IDX file (raw or gzip, detected from its content). With `limit`, only the first `limit` items along
 * the first axis are read (the rest of the file is not decompressed).
 */
export async function readIdx(path: string, opts: { limit?: number } = {}): Promise<IdxArray> {
  const limit = opts.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new UserError(`limit must be a non-negative integer, got ${limit}`);
  let header: ReturnType<typeof parseHeader>;
  const { buf, ended } = await readPrefix(path, (head) => {
    header = parseHeader(path, head);
    if (!header) return undefined;
    const items = limit === undefined ? header.shape[0] : Math.min(limit, header.shape[0]);
    const itemBytes = header.shape.slice(1).reduce((a, b) => a * b, 1) * header.width;
    return limit === undefined ? Infinity : header.offset + items * itemBytes;
  });
  header ??= parseHeader(path, buf);
  if (!header) throw new UserError(`${path}: truncated IDX file (${buf.length} bytes, shorter than its header)`);
  const { type, width, shape, offset } = header;
  const itemValues = shape.slice(1).reduce((a, b) => a * b, 1);
  const items = limit === undefined ? shape[0] : Math.min(limit, shape[0]);
  const expected = offset + shape[0] * itemValues * width;
  const needed = offset + items * itemValues * width;
  if (buf.length < needed) {
    throw new UserError(`${path}: truncated IDX file (header declares shape [${shape}] = ${expected} bytes, file holds ${buf.length})`);
  }
  if (limit === undefined && ended && buf.length > expected) {
    throw new UserError(`${path}: IDX file has ${buf.length - expected} bytes more than its header [${shape}] declares`);
  }
  const n = items * itemValues;
  const body = buf.subarray(offset, offset + n * width);
  const data = decode(type, width, body, n);
  return { type, fileShape: shape, shape: [items, ...shape.slice(1)], data };
}

/** Big-endian multi-byte IDX types: the typed array to fill and the Buffer reader of one value. */
const WIDE: Record<Exclude<IdxType, 'uint8' | 'int8'>, [new (n: number) => Int16Array | Int32Array | Float32Array | Float64Array, (b: Buffer, at: number) => number]> = {
  int16: [Int16Array, (b, at) => b.readInt16BE(at)],
  int32: [Int32Array, (b, at) => b.readInt32BE(at)],
  float32: [Float32Array, (b, at) => b.readFloatBE(at)],
  float64: [Float64Array, (b, at) => b.readDoubleBE(at)],
};

function decode(type: IdxType, width: number, b: Buffer, n: number): IdxData {
  if (type === 'uint8') return new Uint8Array(b);
  if (type === 'int8') return new Int8Array(b.buffer.slice(b.byteOffset, b.byteOffset + n));
  const [Make, read] = WIDE[type];
  const o = new Make(n);
  for (let i = 0; i < n; i++) o[i] = read(b, width * i);
  return o;
}
