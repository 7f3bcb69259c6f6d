// Tabular preprocessing fitted on training rows only, saved with the model: column names and order, numeric vs
// categorical, one-hot vocabularies with a policy for unseen categories, min-max scaling, constant columns, a policy
// for missing numeric values, optional log1p of heavy-tailed numeric columns before min-max, and the label column's
// name (never a feature). Pure code: runs in Node and the browser.
import { z } from 'zod';
import { UserError, quoted } from '../errors/user-error.js';
import { firstIndexOf } from '../data/column-index.js';
import type { Table } from '../data/table.js';

/** What to do with a category never seen in the training rows: all-zero one-hot ('ignore') or an error. */
export const UNSEEN_POLICIES = ['ignore', 'error'] as const;
export type UnseenPolicy = (typeof UNSEEN_POLICIES)[number];
/** Missing numeric values (empty, NA, NaN, ?): an error, or the training median ('impute'). */
export const MISSING_POLICIES = ['error', 'impute'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

const numericColumn = z.strictObject({
  name: z.string(),
  kind: z.literal('numeric'),
  min: z.number(),
  max: z.number(),
  /** training median (raw scale), the value imputed for a missing entry under policy 'impute' */
  median: z.number(),
  /** true: x becomes log1p(x) before min-max, and min / max are of log1p of the training values (absent: false) */
  log: z.boolean().optional(),
});
const categoricalColumn = z.strictObject({ name: z.string(), kind: z.literal('categorical'), values: z.array(z.string()) });

export const tabularPreprocessingSchema = z.strictObject({
  kind: z.literal('tabular'),
  version: z.literal(1),
  /** feature columns in model order (the label column excluded) */
  columns: z.array(z.discriminatedUnion('kind', [numericColumn, categoricalColumn])).min(1),
  /** name of the training file's label column (dropped from new files that have it), or null */
  label: z.string().nullable(),
  /** which label values mean anomaly / normal in training (default: 0/1, normal/anomaly); for evaluating new files */
  labelValues: z.strictObject({ anomaly: z.array(z.string()).optional(), normal: z.array(z.string()).optional() }).optional(),
  unseen: z.enum(UNSEEN_POLICIES),
  missing: z.enum(MISSING_POLICIES),
  /** how the training file was read: the default for reading new files */
  csv: z.strictObject({ header: z.boolean(), delimiter: z.string().length(1) }),
});
export type TabularPreprocessing = z.infer<typeof tabularPreprocessingSchema>;
export type ColumnSpec = TabularPreprocessing['columns'][number];

export interface FitOptions {
  /** fit on these rows only (the training rows); default all */
  rows?: ArrayLike<number>;
  /** fixed category vocabularies per column name (e.g. from the whole file), instead of the training rows' values */
  vocabulary?: Record<string, string[]>;
  unseen?: UnseenPolicy;
  missing?: MissingPolicy;
  /**
   * numeric columns scaled as log1p(x) before min-max (heavy tails: byte counts, durations): their names, or 'auto'
   * for every numeric column whose training values are all >= 0 and exceed 1 somewhere (counts, sizes; fractions in
   * [0, 1] and signed columns stay linear). Default none.
   */
  log?: 'auto' | string[];
  /** the label column's name (recorded, excluded from features); default none */
  label?: string | null;
  labelValues?: { anomaly?: string[]; normal?: string[] };
  csv?: { header: boolean; delimiter: string };
}

/** A raw record: values in the saved column order, or an object keyed by column name. */
export type RawRecord = (string | number | null)[] | Record<string, string | number | null>;

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?']);

function median(v: number[]): number {
  if (v.length === 0) return 0;
  v.sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export class TabularPreprocessor {
  readonly featureCount: number;
  private readonly maps: (Map<string, number> | undefined)[];

  constructor(readonly spec: TabularPreprocessing) {
    this.featureCount = spec.columns.reduce((a, c) => a + (c.kind === 'numeric' ? 1 : c.values.length), 0);
    this.maps = spec.columns.map((c) => (c.kind === 'categorical' ? new Map(c.values.map((v, i) => [v, i])) : undefined));
  }

  get columns(): ColumnSpec[] {
    return this.spec.columns;
  }

  /** Learns min/max/median and vocabularies from `table` (rows restricted to `o.rows` when given). */
  static fit(table: Table, o: FitOptions = {}): TabularPreprocessor {
    const rows = o.rows ?? Int32Array.from({ length: table.rows }, (_, i) => i);
    if (rows.length === 0) throw new UserError(`${table.path}: cannot fit preprocessing on 0 rows`);
    const logNamed = Array.isArray(o.log) ? new Set(o.log) : undefined;
    if (logNamed) {
      const at = firstIndexOf(table.names);
      for (const n of logNamed) {
        const j = at.get(n) ?? -1;
        if (j < 0) throw new UserError(`${table.path}: log column "${n}" is not a column (columns: ${table.names.join(', ')})`);
        if (table.kinds[j] !== 'numeric') throw new UserError(`${table.path}: log column "${n}" is categorical, not numeric`);
      }
    }
    const columns: ColumnSpec[] = table.names.map((name, j) => {
      const col = table.columns[j];
      if (table.kinds[j] === 'numeric') {
        const x = col as Float64Array;
        const seen: number[] = [];
        for (let i = 0; i < rows.length; i++) if (!Number.isNaN(x[rows[i]])) seen.push(x[rows[i]]);
        let min = Infinity;
        let max = -Infinity;
        for (const v of seen) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        // a column missing in every training row: constant 0
        if (seen.length === 0) min = max = 0;
        const log = logNamed ? logNamed.has(name) : o.log === 'auto' && min >= 0 && max > 1;
        if (!log) return { name, kind: 'numeric', min, max, median: median(seen) };
        if (min <= -1) throw new UserError(`${table.path}: log column "${name}" has the training value ${min}; log1p needs values > -1`);
        return { name, kind: 'numeric', min: Math.log1p(min), max: Math.log1p(max), median: median(seen), log: true };
      }
      const fixed = o.vocabulary?.[name];
      if (fixed) return { name, kind: 'categorical', values: [...fixed] };
      const s = col as string[];
      const seen = new Set<string>();
      for (let i = 0; i < rows.length; i++) seen.add(s[rows[i]]);
      return { name, kind: 'categorical', values: [...seen].sort() };
    });
    return new TabularPreprocessor({
      kind: 'tabular', version: 1, columns, label: o.label ?? null, ...(o.labelValues ? { labelValues: o.labelValues } : {}), unseen: o.unseen ?? 'ignore', missing: o.missing ?? 'error',
      csv: o.csv ?? { header: true, delimiter: ',' },
    });
  }

  /** The sorted set of values of every categorical column of `table` (all rows): a vocabulary for `fit`. */
  static vocabularyOf(table: Table): Record<string, string[]> {
    const v: Record<string, string[]> = {};
    table.names.forEach((n, j) => {
      if (table.kinds[j] === 'categorical') v[n] = [...new Set(table.columns[j] as string[])].sort();
    });
    return v;
  }

  /** Names of the categorical columns (what a reader must not parse as numbers). */
  categoricalNames(): string[] {
    return this.spec.columns.filter((c) => c.kind === 'categorical').map((c) => c.name);
  }

  /** Output feature names: numeric columns keep their name, categorical ones become "name=value". */
  featureNames(): string[] {
    return this.spec.columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.values.map((v) => `${c.name}=${v}`)));
  }

  /** Constant columns in the training rows (encoded as 0 always). */
  constantColumns(): string[] {
    return this.spec.columns.filter((c) => c.kind === 'numeric' && c.max === c.min).map((c) => c.name);
  }

  private numeric(k: number, x: number, where: () => string): number {
    const c = this.spec.columns[k] as Extract<ColumnSpec, { kind: 'numeric' }>;
    if (Number.isNaN(x)) {
      if (this.spec.missing === 'error') throw new UserError(`${where()}: missing value (the model's missing-value policy is "error"; train with --missing impute to impute the training median)`);
      x = c.median;
    }
    if (c.log) {
      if (!(x > -1)) throw new UserError(`${where()}: ${x} cannot be log-scaled (the model applies log1p to this column, which needs values > -1)`);
      x = Math.log1p(x);
    }
    const range = c.max - c.min;
    return range > 0 ? (x - c.min) / range : 0;
  }

  private category(k: number, v: string, where: () => string): number | undefined {
    const h = this.maps[k]!.get(v);
    if (h === undefined && this.spec.unseen === 'error') {
      const c = this.spec.columns[k] as Extract<ColumnSpec, { kind: 'categorical' }>;
      const some = c.values.slice(0, 8).map((s) => quoted(s)).join(', ');
      throw new UserError(`${where()}: category ${quoted(v)} was not seen in training (known: ${some}${c.values.length > 8 ? ', ...' : ''})`);
    }
    return h;
  }

  /**
   * Checks that `table` holds exactly the fitted columns (any order; the label column is read apart) and returns,
   * per fitted column, its index in the table.
   */
  columnIndex(table: Table): number[] {
    const names = this.spec.columns.map((c) => c.name);
    // a set and a map, not includes / indexOf per column: a table of 200,000 columns took minutes here
    const known = new Set(names);
    const extra = table.names.filter((n) => !known.has(n));
    if (extra.length) throw new UserError(`${table.path}: column${extra.length > 1 ? 's' : ''} ${extra.map((n) => `"${n}"`).join(', ')} not in the model's columns (${names.join(', ')})`);
    const at = firstIndexOf(table.names);
    return this.spec.columns.map((c) => {
      const j = at.get(c.name) ?? -1;
      if (j < 0) throw new UserError(`${table.path}: column "${c.name}" (used by the model) is missing`);
      if (table.kinds[j] !== c.kind) throw new UserError(`${table.path}: column "${c.name}" is ${table.kinds[j]} here but was ${c.kind} in training`);
      return j;
    });
  }

  /**
   * Encodes rows of `table` (all, or `rows`) as featureCount floats each. Numeric: (x - min) / (max - min), 0 when
   * max = min, not clipped (x = log1p(x) first for a log column). Categorical: one-hot; an unseen value follows the unseen policy.
   */
  transform(table: Table, rows?: ArrayLike<number>): Float32Array {
    const colOf = this.columnIndex(table);
    const n = rows ? rows.length : table.rows;
    const out = new Float32Array(n * this.featureCount);
    let o = 0;
    for (let r = 0; r < n; r++) {
      const i = rows ? rows[r] : r;
      const where = (k: number) => () => `${table.path}:${table.lines?.[i] ?? `row ${i + 1}`}: column "${this.spec.columns[k].name}"`;
      this.spec.columns.forEach((c, k) => {
        const col = table.columns[colOf[k]];
        if (c.kind === 'numeric') {
          out[o++] = this.numeric(k, (col as Float64Array)[i], where(k));
        } else {
          const h = this.category(k, (col as string[])[i], where(k));
          if (h !== undefined) out[o + h] = 1;
          o += c.values.length;
        }
      });
    }
    return out;
  }

  /**
   * Encodes raw records: arrays of values in the saved column order, or objects keyed by column name (the label
   * column may be present and is ignored). `source` names the records in errors.
   */
  transformRecords(records: RawRecord[], source = 'record'): Float32Array {
    const cols = this.spec.columns;
    const out = new Float32Array(records.length * this.featureCount);
    let o = 0;
    records.forEach((rec, r) => {
      let values: (string | number | null | undefined)[];
      if (Array.isArray(rec)) {
        if (rec.length !== cols.length) throw new UserError(`${source} ${r}: ${rec.length} values, expected ${cols.length} (${cols.map((c) => c.name).join(', ')})`);
        values = rec;
      } else if (rec && typeof rec === 'object') {
        const known = new Set(cols.map((c) => c.name));
        const extra = Object.keys(rec).filter((k) => !known.has(k) && k !== this.spec.label);
        if (extra.length) throw new UserError(`${source} ${r}: unknown column${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}`);
        const miss = cols.find((c) => !(c.name in rec));
        if (miss) throw new UserError(`${source} ${r}: column "${miss.name}" is missing`);
        values = cols.map((c) => rec[c.name]);
      } else {
        throw new UserError(`${source} ${r}: expected an array of values or an object of column: value`);
      }
      cols.forEach((c, k) => {
        const v = values[k];
        const where = () => `${source} ${r}, column "${c.name}"`;
        if (c.kind === 'numeric') {
          let x: number;
          if (typeof v === 'number') x = v;
          else if (v === null || v === undefined || MISSING.has(String(v).trim().toLowerCase())) x = NaN;
          else {
            x = Number(String(v).trim());
            if (!Number.isFinite(x)) throw new UserError(`${where()}: ${quoted(v)} is not a number`);
          }
          if (!Number.isNaN(x) && !Number.isFinite(x)) throw new UserError(`${where()}: ${x} is not a finite number`);
          out[o++] = this.numeric(k, x, where);
        } else {
          const h = this.category(k, v === null || v === undefined ? '' : String(v).trim(), where);
          if (h !== undefined) out[o + h] = 1;
          o += c.values.length;
        }
      });
    });
    return out;
  }

  toJSON(): TabularPreprocessing {
    return structuredClone(this.spec);
  }

  static fromJSON(j: unknown): TabularPreprocessor {
    const r = tabularPreprocessingSchema.safeParse(j);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new UserError(`tabular preprocessing: invalid field "${i.path.join('.') || '(root)'}": ${i.message}`);
    }
    return new TabularPreprocessor(r.data);
  }
}
