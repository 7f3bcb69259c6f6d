// Reading CSV/TSV (optionally gzipped) into typed columns, streaming, with validation that names the line.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { extname } from 'node:path';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { isGzip } from './idx.js';
import { UserError, quoted } from '../errors/user-error.js';
import { firstIndexOf } from './column-index.js';

export type ColumnRef = string | number;

export interface ReadTableOptions {
  /** field separator; default tab for .tsv / .tsv.gz files, comma otherwise */
  delimiter?: string;
  /** true: the first row names the columns (default); false: columns are named c0, c1, ...; or the names */
  header?: boolean | string[];
  /** the column holding the class label (name or index, negative counts from the end); null: no label. Default: the last column */
  labelColumn?: ColumnRef | null;
  /** columns to one-hot encode; default: every column whose first value is not a number */
  categorical?: ColumnRef[];
  /** label values meaning "anomaly" (1) */
  anomalyLabels?: string[];
  /** label values meaning "normal" (0); with anomalyLabels too, any other value is an error */
  normalLabels?: string[];
  /** read only the first `limit` data rows */
  limit?: number;
  /** missing numeric values (empty, NA, NaN, ?): an error naming the line (default), or kept as NaN */
  missing?: 'error' | 'keep';
  /** a label column given by name that the file may lack (scoring files): no labels then, no error */
  labelOptional?: boolean;
  /** the feature columns the file must hold (a saved model's): a missing or extra column is an error naming it */
  expectColumns?: string[];
  /** read this stream (e.g. stdin) instead of opening `path`; `path` then only names it in messages */
  stream?: Readable;
}

export interface Table {
  path: string;
  /** names of the feature columns (label column excluded), in file order */
  names: string[];
  kinds: ('numeric' | 'categorical')[];
  /** one array per feature column: numbers (numeric) or strings (categorical) */
  columns: (Float64Array | string[])[];
  rows: number;
  /** per row, its line number in the file (1-based, header counted) */
  lines?: Int32Array;
  /** name of the label column read apart (when the file had one) */
  labelName?: string;
  /** 1 = anomaly, 0 = normal (when a label column and a label rule exist) */
  labels?: Uint8Array;
  /** per row, index of its raw label in labelNames */
  classes?: Int32Array;
  labelNames?: string[];
}

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?', 'inf', '-inf', 'infinity', '-infinity']);

/** Strict decimal numbers only ("12", "-0.5", "1e-3", ".5"): not hex, binary, octal, "Infinity" or "". Each digit
 *  can match one way only, so a long field that fails is refused in linear time (the earlier `\d+\.?\d*` took
 *  quadratic time: a 1 MB field of digits ending in a letter hung for minutes). */
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (MISSING.has(t.toLowerCase()) || !DECIMAL.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined; // "1e400" overflows: not a usable number
}

function resolveColumn(ref: ColumnRef, names: string[], at: Map<string, number>, path: string, what: string): number {
  if (typeof ref === 'number') {
    const i = ref < 0 ? names.length + ref : ref;
    if (!Number.isInteger(i) || i < 0 || i >= names.length) throw new UserError(`${path}: ${what} column ${ref} does not exist (the file has ${names.length} columns)`);
    return i;
  }
  const i = at.get(ref) ?? -1;
  if (i < 0) throw new UserError(`${path}: ${what} column "${ref}" not found (columns: ${names.join(', ')})`);
  return i;
}

class GrowF64 {
  a = new Float64Array(16); // small: a table of 200,000 columns holds that many of these
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Float64Array {
    return this.a.slice(0, this.n);
  }
}

/** Default label rule when none is given: 0/1, or normal/anomaly (any case). */
function defaultLabel(v: string): number | undefined {
  const t = v.trim().toLowerCase();
  if (t === '0' || t === 'normal') return 0;
  if (t === '1' || t === 'anomaly' || t === 'abnormal' || t === 'outlier') return 1;
  return undefined;
}

export async function readTable(path: string, o: ReadTableOptions = {}): Promise<Table> {
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit > 0)) throw new UserError(`limit must be a positive integer, got ${o.limit}`);
  const gz = o.stream ? false : await isGzip(path);
  const base = gz ? path.replace(/\.gz$/i, '') : path;
  const delimiter = o.delimiter ?? (extname(base).toLowerCase() === '.tsv' ? '\t' : ',');
  const file = o.stream ?? createReadStream(path);
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: false });
  const src = gz ? file.pipe(createGunzip()) : file;
  file.on('error', (e: Error) => parser.destroy(e));
  if (gz) src.on('error', (e: Error) => parser.destroy(e));
  src.pipe(parser);

  let names: string[] | undefined = Array.isArray(o.header) ? o.header : undefined;
  const header = o.header ?? true;
  let labelCol = -1;
  let featureIdx: number[] = [];
  let kinds: ('numeric' | 'categorical')[] = [];
  let cols: (GrowF64 | string[])[] = [];
  const rawLabels: string[] = [];
  const labelLines: number[] = [];
  const rowLines: number[] = [];
  let rows = 0;
  let width = -1;

  const setup = (first: string[], line: number): void => {
    if (!names) names = header === true ? first.map((s) => s.trim()) : first.map((_, i) => `c${i}`);
    if (names.length !== first.length && header !== true) {
      throw new UserError(`${path}:${line}: ${first.length} fields, but ${names.length} column names were given`);
    }
    width = names.length;
    const at = firstIndexOf(names);
    const optionalAbsent = o.labelOptional && typeof o.labelColumn === 'string' && !at.has(o.labelColumn);
    labelCol = o.labelColumn === null || optionalAbsent ? -1 : resolveColumn(o.labelColumn ?? -1, names, at, path, 'label');
    featureIdx = names.map((_, i) => i).filter((i) => i !== labelCol);
    if (o.expectColumns) {
      const have = featureIdx.map((i) => names![i]);
      const [haveSet, expectSet] = [new Set(have), new Set(o.expectColumns)]; // not includes per column: wide tables
      const extra = have.filter((n) => !expectSet.has(n));
      const missing = o.expectColumns.filter((n) => !haveSet.has(n));
      const list = (a: string[]) => a.map((n) => `"${n}"`).join(', ');
      if (missing.length) throw new UserError(`${path}: column${missing.length > 1 ? 's' : ''} ${list(missing)} (used by the model) missing`);
      if (extra.length) throw new UserError(`${path}: column${extra.length > 1 ? 's' : ''} ${list(extra)} not in the model's columns (${o.expectColumns.join(', ')})`);
    }
    const cat = new Set((o.categorical ?? []).map((c) => resolveColumn(c, names!, at, path, 'categorical')));
    if (featureIdx.length === 0) throw new UserError(`${path}: no feature columns besides the label column`);
    if (cat.has(labelCol)) throw new UserError(`${path}: the label column cannot also be categorical`);
    kinds = featureIdx.map((i) => (cat.has(i) ? 'categorical' : 'numeric'));
    cols = kinds.map((k) => (k === 'numeric' ? new GrowF64() : []));
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (width < 0 && header === true) {
        setup(record, line);
        continue;
      }
      if (width < 0) setup(record, line);
      if (record.length !== width) {
        throw new UserError(`${path}:${line}: ragged row: ${record.length} fields, expected ${width}`);
      }
      if (rows === 0 && o.categorical === undefined) {
        // auto-detect: a column whose first value is text (not a number, not a missing marker) is categorical
        featureIdx.forEach((c, j) => {
          const v = record[c].trim();
          if (parseNumber(v) === undefined && !MISSING.has(v.toLowerCase())) {
            kinds[j] = 'categorical';
            cols[j] = [];
          }
        });
      }
      for (let j = 0; j < featureIdx.length; j++) {
        const v = record[featureIdx[j]];
        if (kinds[j] === 'numeric') {
          const x = parseNumber(v);
          if (x === undefined && o.missing === 'keep' && MISSING.has(v.trim().toLowerCase())) {
            (cols[j] as GrowF64).push(NaN);
            continue;
          }
          if (x === undefined) {
            const what = MISSING.has(v.trim().toLowerCase()) ? 'missing or non-finite value' : 'not a number';
            const hint = what === 'not a number' ? '' : ' (train with --missing impute to impute the training median)';
            throw new UserError(`${path}:${line}: column "${names![featureIdx[j]]}": ${quoted(v)} is ${what}${hint}`);
          }
          (cols[j] as GrowF64).push(x);
        } else {
          (cols[j] as string[]).push(v.trim());
        }
      }
      if (labelCol >= 0) {
        rawLabels.push(record[labelCol].trim());
        labelLines.push(line);
      }
      rowLines.push(line);
      rows++;
      if (o.limit !== undefined && rows >= o.limit) break;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${path}: file not found`);
    throw new UserError(`${path}: cannot parse as ${delimiter === '\t' ? 'TSV' : 'CSV'} (${err.message})`);
  } finally {
    if (!o.stream) file.destroy();
    src.destroy();
    parser.destroy();
  }
  if (rows === 0) throw new UserError(`${path}: no data rows`);

  const table: Table = {
    path,
    names: featureIdx.map((i) => names![i]),
    kinds,
    columns: cols.map((c) => (c instanceof GrowF64 ? c.done() : c)),
    rows,
    lines: Int32Array.from(rowLines),
  };
  if (labelCol >= 0) table.labelName = names![labelCol];
  if (labelCol >= 0) Object.assign(table, labelRows(path, rawLabels, labelLines, o));
  return table;
}

function labelRows(path: string, raw: string[], lines: number[], o: ReadTableOptions): Pick<Table, 'labels' | 'classes' | 'labelNames'> {
  const labelNames = [...new Set(raw)].sort();
  const index = new Map(labelNames.map((n, i) => [n, i]));
  const anomaly = o.anomalyLabels ? new Set(o.anomalyLabels) : undefined;
  const normal = o.normalLabels ? new Set(o.normalLabels) : undefined;
  const rule = (v: string): number | undefined => {
    if (anomaly && normal) return anomaly.has(v) ? 1 : normal.has(v) ? 0 : undefined;
    if (anomaly) return anomaly.has(v) ? 1 : 0;
    if (normal) return normal.has(v) ? 0 : 1;
    return defaultLabel(v);
  };
  const labels = new Uint8Array(raw.length);
  const classes = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const l = rule(raw[i]);
    if (l === undefined) {
      const hint = anomaly && normal ? 'it is in neither the anomaly labels nor the normal labels' : 'labels must be 0/1 or normal/anomaly, or name them with --anomaly-labels / --normal-labels (anomalyLabels / normalLabels in the API)';
      throw new UserError(`${path}:${lines[i]}: unknown label ${quoted(raw[i])} (${hint})`);
    }
    labels[i] = l;
    classes[i] = index.get(raw[i])!;
  }
  return { labels, classes, labelNames };
}

/** Column names that look like a label (a likely forgotten --label-column). */
export const LABEL_LIKE = /^(label|labels|class|target|y|outlier|anomaly|is_anomaly|ground_truth)$/i;

/** The column names of a CSV/TSV file (its first row, or c0, c1, ... without a header). */
export async function readHeader(path: string, o: Pick<ReadTableOptions, 'delimiter' | 'header' | 'stream'> = {}): Promise<string[]> {
  const t = await readTable(path, { ...o, labelColumn: null, limit: 1, categorical: undefined, missing: 'keep' }).catch((e: unknown) => {
    if (e instanceof UserError && / no data rows$/.test(e.message)) return undefined;
    throw e;
  });
  return t ? t.names : [];
}
