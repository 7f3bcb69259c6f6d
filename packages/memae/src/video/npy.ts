// A tiny reader for NumPy .npy files (format versions 1-3), enough for label arrays:
// bool, (u)int8/16/32/64 and float32/64 in either byte order, C or Fortran order.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors/user-error.js';

export interface NpyArray {
  shape: number[];
  /** values in C (row-major) order */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses the bytes of a .npy file; `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name = 'npy'): NpyArray {
  const bad = (why: string): UserError => new UserError(`${name}: not a readable .npy file (${why})`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('missing \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw bad(`format version ${major}`);
  }
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw bad('header without descr or shape');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);

  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  if (!m) throw bad(`dtype '${descr}' is not supported (bool, int, uint, float only)`);
  const little = m[1] !== '>';
  const kind = m[2];
  const width = Number(m[3]);
  const read = reader(kind, width, view, little);
  if (!read) throw bad(`dtype '${descr}' is not supported`);
  const offset = start + headerLen;
  if (offset + count * width > bytes.length) throw bad(`data is truncated: ${count} values of ${width} bytes expected`);

  const flat = new Float64Array(count);
  for (let i = 0; i < count; i++) flat[i] = read(offset + i * width);
  return { shape, data: fortran && shape.length > 1 ? fortranToC(flat, shape) : flat };
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseNpy(bytes, path);
}

function reader(kind: string, width: number, v: DataView, le: boolean): ((at: number) => number) | undefined {
  if (kind === 'b' && width === 1) return (at) => (v.getUint8(at) ? 1 : 0);
  if (kind === 'u') {
    if (width === 1) return (at) => v.getUint8(at);
    if (width === 2) return (at) => v.getUint16(at, le);
    if (width === 4) return (at) => v.getUint32(at, le);
    if (width === 8) return (at) => Number(v.getBigUint64(at, le));
  }
  if (kind === 'i') {
    if (width === 1) return (at) => v.getInt8(at);
    if (width === 2) return (at) => v.getInt16(at, le);
    if (width === 4) return (at) => v.getInt32(at, le);
    if (width === 8) return (at) => Number(v.getBigInt64(at, le));
  }
  if (kind === 'f') {
    if (width === 4) return (at) => v.getFloat32(at, le);
    if (width === 8) return (at) => v.getFloat64(at, le);
  }
  return undefined;
}

function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const n = shape.length;
  const out = new Float64Array(src.length);
  const idx = new Array<number>(n).fill(0);
  for (let c = 0; c < src.length; c++) {
    // c walks the C-order positions; compute the Fortran-order offset of the same index
    let f = 0;
    let mul = 1;
    for (let k = 0; k < n; k++) {
      f += idx[k] * mul;
      mul *= shape[k];
    }
    out[c] = src[f];
    for (let k = n - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}
