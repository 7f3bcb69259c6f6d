// Tabular preprocessing fitted on training data only: one-hot encoding of categorical columns and
// min-max scaling of numeric columns to [0, 1]. Serialisable (toJSON / fromJSON) to be saved with a model.
import type { Table } from './table.js';
import { UserError } from '../errors/user-error.js';

export type ColumnSpec = { name: string; kind: 'numeric'; min: number; max: number } | { name: string; kind: 'categorical'; values: string[] };

export interface PreprocessorJSON {
  format: 'memae-tabular-preprocessor';
  version: 1;
  columns: ColumnSpec[];
}

export interface FitOptions {
  /** fit on these rows only (the training rows); default all */
  rows?: ArrayLike<number>;
  /** fixed category vocabularies per column name (e.g. from the whole file), instead of the training rows' values */
  vocabulary?: Record<string, string[]>;
}

export class TabularPreprocessor {
  readonly featureCount: number;
  private readonly maps: (Map<string, number> | undefined)[];

  constructor(readonly columns: ColumnSpec[]) {
    this.featureCount = columns.reduce((a, c) => a + (c.kind === 'numeric' ? 1 : c.values.length), 0);
    this.maps = columns.map((c) => (c.kind === 'categorical' ? new Map(c.values.map((v, i) => [v, i])) : undefined));
  }

  /** Learns min/max and vocabularies from `table` (rows restricted to `o.rows` when given). */
  static fit(table: Table, o: FitOptions = {}): TabularPreprocessor {
    const rows = o.rows ?? Int32Array.from({ length: table.rows }, (_, i) => i);
    if (rows.length === 0) throw new UserError(`${table.path}: cannot fit preprocessing on 0 rows`);
    const specs: ColumnSpec[] = table.names.map((name, j) => {
      const col = table.columns[j];
      if (table.kinds[j] === 'numeric') {
        const x = col as Float64Array;
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < rows.length; i++) {
          const v = x[rows[i]];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        return { name, kind: 'numeric', min, max };
      }
      const fixed = o.vocabulary?.[name];
      if (fixed) return { name, kind: 'categorical', values: [...fixed] };
      const s = col as string[];
      const seen = new Set<string>();
      for (let i = 0; i < rows.length; i++) seen.add(s[rows[i]]);
      return { name, kind: 'categorical', values: [...seen].sort() };
    });
    return new TabularPreprocessor(specs);
  }

  /** The sorted set of values of every categorical column of `table` (all rows): a vocabulary for `fit`. */
  static vocabularyOf(table: Table): Record<string, string[]> {
    const v: Record<string, string[]> = {};
    table.names.forEach((n, j) => {
      if (table.kinds[j] === 'categorical') v[n] = [...new Set(table.columns[j] as string[])].sort();
    });
    return v;
  }

  /** Output feature names: numeric columns keep their name, categorical ones become "name=value". */
  featureNames(): string[] {
    return this.columns.flatMap((c) => (c.kind === 'numeric' ? [c.name] : c.values.map((v) => `${c.name}=${v}`)));
  }

  /**
   * Encodes rows of `table` (all, or `rows`) as featureCount floats each. Numeric: (x - min) / (max - min), 0 when
   * max = min, not clipped. Categorical: one-hot; a value unseen at fit time encodes as all zeros.
   */
  transform(table: Table, rows?: ArrayLike<number>): Float32Array {
    const colOf = this.columns.map((c) => {
      const j = table.names.indexOf(c.name);
      if (j < 0) throw new UserError(`${table.path}: column "${c.name}" (used by the fitted preprocessing) is missing`);
      if (table.kinds[j] !== c.kind) throw new UserError(`${table.path}: column "${c.name}" is ${table.kinds[j]} here but was ${c.kind} when fitted`);
      return j;
    });
    const n = rows ? rows.length : table.rows;
    const out = new Float32Array(n * this.featureCount);
    let o = 0;
    for (let r = 0; r < n; r++) {
      const i = rows ? rows[r] : r;
      this.columns.forEach((c, k) => {
        const col = table.columns[colOf[k]];
        if (c.kind === 'numeric') {
          const range = c.max - c.min;
          out[o++] = range > 0 ? ((col as Float64Array)[i] - c.min) / range : 0;
        } else {
          const h = this.maps[k]!.get((col as string[])[i]);
          if (h !== undefined) out[o + h] = 1;
          o += c.values.length;
        }
      });
    }
    return out;
  }

  /** Encodes raw records given as values in the fitted column order (numbers or strings). */
  transformRecords(records: (string | number)[][]): Float32Array {
    const out = new Float32Array(records.length * this.featureCount);
    let o = 0;
    records.forEach((rec, r) => {
      if (rec.length !== this.columns.length) throw new UserError(`record ${r}: ${rec.length} values, expected ${this.columns.length} (${this.columns.map((c) => c.name).join(', ')})`);
      this.columns.forEach((c, k) => {
        if (c.kind === 'numeric') {
          const x = typeof rec[k] === 'number' ? (rec[k] as number) : Number(String(rec[k]).trim());
          if (!Number.isFinite(x) || String(rec[k]).trim() === '') throw new UserError(`record ${r}, column "${c.name}": "${rec[k]}" is not a finite number`);
          const range = c.max - c.min;
          out[o++] = range > 0 ? (x - c.min) / range : 0;
        } else {
          const h = this.maps[k]!.get(String(rec[k]).trim());
          if (h !== undefined) out[o + h] = 1;
          o += c.values.length;
        }
      });
    });
    return out;
  }

  toJSON(): PreprocessorJSON {
    return { format: 'memae-tabular-preprocessor', version: 1, columns: this.columns.map((c) => ({ ...c })) };
  }

  static fromJSON(j: unknown): TabularPreprocessor {
    const o = j as Partial<PreprocessorJSON>;
    if (!o || o.format !== 'memae-tabular-preprocessor' || o.version !== 1 || !Array.isArray(o.columns)) {
      throw new UserError('not a memae tabular preprocessor (expected format "memae-tabular-preprocessor", version 1)');
    }
    for (const c of o.columns) {
      const ok =
        c && typeof c.name === 'string' &&
        ((c.kind === 'numeric' && Number.isFinite(c.min) && Number.isFinite(c.max)) ||
          (c.kind === 'categorical' && Array.isArray(c.values) && c.values.every((v) => typeof v === 'string')));
      if (!ok) throw new UserError(`tabular preprocessor: invalid column entry ${JSON.stringify(c)}`);
    }
    return new TabularPreprocessor(o.columns);
  }
}
