// Turning request bodies into model inputs: PNG/JPEG images (the data loaders' decoder, over the body's bytes), CSV rows
// (csv-parse) and JSON tensors. Every problem is a RequestError with an HTTP status and a one-line message.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { decodeImageBuffer } from '../data/image-decode.js';
import { UserError, quoted } from '../errors/user-error.js';
import { DECIMAL } from '../data/table.js';
import type { Preprocessing } from '../preprocess/index.js';
import { TabularPreprocessor, type RawRecord } from '../preprocess/tabular.js';
import { rowsToRecords } from '../preprocess/csv-records.js';

export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface Inputs {
  x: Float32Array;
  n: number;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Default cap on a request image's pixel count (its header is checked before decoding): 4096 x 4096. */
export const DEFAULT_REQUEST_PIXELS = 4096 * 4096;

/**
 * Decodes one request image into an [H, W, C] sample through the model's saved image preprocessing (its resize policy
 * and pixel range); without one, resized to fill and mapped to [-1, 1] as memae's loaders do. The decoder is the
 * file loaders' (data/image-decode.ts); its one-line errors become 400s.
 */
export async function decodeImage(buf: Buffer, shape: readonly number[], pre?: Preprocessing | null, source = 'image', maxPixels = DEFAULT_REQUEST_PIXELS): Promise<Float32Array> {
  if (shape.length !== 3) throw new RequestError(415, `this model takes ${shape.length === 1 ? 'tabular rows' : 'video clips'}, not images`);
  const [h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new RequestError(415, `this model takes images of ${c} channels: only 1 (grey) or 3 (colour) can be decoded`);
  const ip = pre?.kind === 'image' ? pre : undefined;
  let raw: Uint8Array;
  try {
    raw = await decodeImageBuffer(buf, source, { height: h, width: w, channels: c === 1 ? 1 : 3, fit: ip?.resize ?? 'fill', maxPixels, maxPixelsFrom: 'memae serve --max-image-pixels' });
  } catch (e) {
    if (e instanceof UserError) throw new RequestError(400, e.message);
    throw e;
  }
  const [lo, hi] = ip?.range ?? [-1, 1];
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < out.length; i++) out[i] = lo + ((hi - lo) * raw[i]) / 255;
  return out;
}

/** Raw table records through the model's saved tabular preprocessing; a bad record is a 400 naming it. */
export function encodeRecords(records: RawRecord[], pre: Preprocessing | null | undefined, maxRows: number, source: string): Inputs {
  if (pre?.kind !== 'tabular') throw new RequestError(400, 'this model has no saved tabular preprocessing: send encoded rows (instances or tensor)');
  if (records.length === 0) throw new RequestError(400, `${source}: no records`);
  if (records.length > maxRows) throw new RequestError(413, `${records.length} rows, at most ${maxRows} per request`);
  try {
    return { x: new TabularPreprocessor(pre).transformRecords(records, source), n: records.length };
  } catch (e) {
    if (e instanceof UserError) throw new RequestError(400, e.message);
    throw e;
  }
}

function checkValues(values: number[], shape: readonly number[], where: string): void {
  const size = prod(shape);
  if (values.length !== size) throw new RequestError(400, `${where}: ${values.length} values, the model takes [${shape.join(', ')}] = ${size} per sample`);
}


/**
 * Parses CSV rows: raw rows through the model's saved tabular preprocessing when it has one, else rows of already
 * encoded numbers (an optional header row is skipped).
 */
export function decodeCsv(text: string, shape: readonly number[], maxRows: number, pre?: Preprocessing | null): Inputs {
  if (shape.length !== 1) throw new RequestError(415, `this model takes [${shape.join(', ')}] samples, not CSV rows`);
  let rows: string[][];
  try {
    const delimiter = pre?.kind === 'tabular' ? pre.csv.delimiter : ',';
    rows = parseCsv(text, { skip_empty_lines: true, trim: true, relax_column_count: true, delimiter });
  } catch (e) {
    throw new RequestError(400, `bad CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  // raw rows through the saved tabular preprocessing (a bad row is a UserError: 400)
  if (pre?.kind === 'tabular') return encodeRecords(rowsToRecords(rows, pre), pre, maxRows, 'CSV row');
  if (rows.length && rows[0].some((v) => v !== '' && !Number.isFinite(Number(v)))) rows = rows.slice(1);
  if (rows.length === 0) throw new RequestError(400, 'CSV body has no data rows');
  if (rows.length > maxRows) throw new RequestError(413, `${rows.length} rows, at most ${maxRows} per request`);
  const size = shape[0];
  const x = new Float32Array(rows.length * size);
  rows.forEach((row, r) => {
    const vals = row.map(Number);
    const bad = vals.findIndex((v, i) => !Number.isFinite(v) || !DECIMAL.test(row[i]));
    if (bad >= 0) throw new RequestError(400, `CSV row ${r + 1}, column ${bad + 1}: ${quoted(row[bad])} is not a number`);
    checkValues(vals, shape, `CSV row ${r + 1}`);
    x.set(vals, r * size);
  });
  return { x, n: rows.length };
}

export const JsonBodySchema = z.strictObject({
  /** samples, each nested in the model's input shape or flat */
  instances: z.custom<unknown[]>((v) => Array.isArray(v) && v.length > 0, 'expected a non-empty array of samples').optional(),
  /** raw table rows (tabular models with saved preprocessing): objects keyed by column name, or values in column order */
  records: z.array(z.union([z.array(z.union([z.string(), z.number(), z.null()])), z.record(z.string(), z.union([z.string(), z.number(), z.null()]))])).min(1).optional(),
  /** one tensor: shape [n, ...inputShape] and its values row-major */
  tensor: z.strictObject({ shape: z.array(z.number().int().positive()).min(1), data: z.custom<unknown[]>((v) => Array.isArray(v), 'expected an array of numbers') }).optional(),
  /** also return per-sample error maps */
  errorMaps: z.boolean().optional(),
});
export type JsonBody = z.infer<typeof JsonBodySchema>;

// The values are checked by these loops, not by the schema: a per-value zod union costs seconds of event
// loop on a body of a million numbers. Nesting depth is bounded before parsing (serve/body-guards.ts).
const flatten = (v: unknown, out: number[], where: string): number[] => {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) for (const e of v) flatten(e, out, where);
  else throw new RequestError(400, `${where}: expected finite numbers, or arrays of them`);
  return out;
};

/** Validates a JSON body and returns its samples. */
export function decodeJson(body: unknown, shape: readonly number[], maxRows: number, pre?: Preprocessing | null): Inputs & { errorMaps: boolean } {
  const r = JsonBodySchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    const key = i.path.join('.') || 'body';
    const msg = i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`
      : i.message;
    throw new RequestError(400, `${key}: ${msg}`);
  }
  const b = r.data;
  if ((b.instances ? 1 : 0) + (b.tensor ? 1 : 0) + (b.records ? 1 : 0) !== 1) throw new RequestError(400, "give exactly one of 'instances', 'tensor' or 'records'");
  if (b.records) return { ...encodeRecords(b.records, pre, maxRows, 'records'), errorMaps: Boolean(b.errorMaps) };
  const size = prod(shape);
  let values: number[];
  let n: number;
  if (b.tensor) {
    const [first, ...rest] = b.tensor.shape;
    if (rest.join(',') !== shape.join(',')) throw new RequestError(400, `tensor.shape [${b.tensor.shape.join(', ')}] does not match [n, ${shape.join(', ')}]`);
    n = first;
    const bad = b.tensor.data.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new RequestError(400, `tensor.data.${bad}: expected a number`);
    values = b.tensor.data as number[];
    if (values.length !== n * size) throw new RequestError(400, `tensor.data has ${values.length} values, shape needs ${n * size}`);
  } else {
    const inst = b.instances!;
    n = inst.length;
    values = [];
    inst.forEach((s, i) => {
      const flat = flatten(s, [], `instances[${i}]`);
      checkValues(flat, shape, `instances[${i}]`);
      for (const v of flat) values.push(v);
    });
  }
  if (n > maxRows) throw new RequestError(413, `${n} samples, at most ${maxRows} per request`);
  return { x: Float32Array.from(values), n, errorMaps: Boolean(b.errorMaps) };
}
