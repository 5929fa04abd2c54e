/**
 * Column types of a prediction block: predictions are stored column by column so the analyzer
 * reads a window as typed arrays with no per-row parsing.
 */

/** Dictionary-encoded strings: `codes[i]` indexes `dict`, -1 means missing. */
export interface DictColumn {
  readonly kind: 'dict';
  dict: string[];
  codes: Int32Array;
}

/** Numbers, NaN for missing. */
export interface F64Column {
  readonly kind: 'f64';
  values: Float64Array;
}

/** Free strings (ids, JSON text), null for missing. */
export interface StrColumn {
  readonly kind: 'str';
  values: (string | null)[];
}

export type Column = DictColumn | F64Column | StrColumn;

/** A set of named columns of equal length. */
export interface ColumnSet {
  rows: number;
  columns: Map<string, Column>;
}

/**
 * Column names used in prediction blocks. Feature and probability columns carry the feature
 * name or label after the prefix, so blocks stay readable across schema versions.
 */
export const COL = {
  ts: 'ts',
  predictionId: 'id',
  modelVersion: 'mv',
  metadata: 'meta',
  latency: 'latency_ms',
  label: 'label',
  confidence: 'confidence',
  /** probability of the positive label (binary classification) */
  score: 'score',
  value: 'value',
  feature: (name: string) => `f:${name}`,
  probability: (label: string) => `p:${label}`,
  explanation: (name: string) => `x:${name}`,
} as const;

/** Builds a dictionary column row by row. */
export class DictBuilder {
  private readonly index = new Map<string, number>();
  readonly dict: string[] = [];
  readonly codes: Int32Array;

  /** `codes`, when given, is the storage to fill (`rows` long) */
  constructor(rows: number, codes?: Int32Array) {
    this.codes = codes ?? new Int32Array(rows);
  }

  set(row: number, value: string | null): void {
    if (value === null) {
      this.codes[row] = -1;
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.dict.length;
      this.dict.push(value);
      this.index.set(value, code);
    }
    this.codes[row] = code;
  }

  build(): DictColumn {
    return { kind: 'dict', dict: this.dict, codes: this.codes };
  }
}

/** Select rows of a column by index (used to drop duplicates before a write). */
export function takeRows(col: Column, rows: Int32Array | number[]): Column {
  const n = rows.length;
  switch (col.kind) {
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = col.values[rows[i]];
      return { kind: 'f64', values: out };
    }
    case 'dict': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = col.codes[rows[i]];
      return { kind: 'dict', dict: col.dict, codes: out };
    }
    case 'str': {
      const out = new Array<string | null>(n);
      for (let i = 0; i < n; i++) out[i] = col.values[rows[i]];
      return { kind: 'str', values: out };
    }
  }
}

export function takeColumnSet(set: ColumnSet, rows: Int32Array | number[]): ColumnSet {
  const columns = new Map<string, Column>();
  for (const [name, col] of set.columns) columns.set(name, takeRows(col, rows));
  return { rows: rows.length, columns };
}

function emptyLike(kind: Column['kind'], rows: number): Column {
  if (kind === 'f64') return { kind, values: new Float64Array(rows).fill(NaN) };
  if (kind === 'dict') return { kind, dict: [], codes: new Int32Array(rows).fill(-1) };
  return { kind, values: new Array<string | null>(rows).fill(null) };
}

/**
 * Concatenate column sets (the union of their columns; a column absent from a part is missing
 * there). Dictionaries are merged and codes remapped.
 */
export function concatColumnSets(parts: ColumnSet[]): ColumnSet {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((s, p) => s + p.rows, 0);
  const kinds = new Map<string, Column['kind']>();
  for (const p of parts) for (const [name, col] of p.columns) if (!kinds.has(name)) kinds.set(name, col.kind);
  const columns = new Map<string, Column>();
  for (const [name, kind] of kinds) {
    if (kind === 'f64') {
      const out = new Float64Array(total);
      let at = 0;
      for (const p of parts) {
        const c = p.columns.get(name);
        if (c && c.kind === 'f64') out.set(c.values, at);
        else out.fill(NaN, at, at + p.rows);
        at += p.rows;
      }
      columns.set(name, { kind, values: out });
    } else if (kind === 'dict') {
      const index = new Map<string, number>();
      const dict: string[] = [];
      const out = new Int32Array(total);
      let at = 0;
      for (const p of parts) {
        const c = p.columns.get(name);
        if (!c || c.kind !== 'dict') {
          out.fill(-1, at, at + p.rows);
        } else {
          const remap = new Int32Array(c.dict.length);
          for (let d = 0; d < c.dict.length; d++) {
            let code = index.get(c.dict[d]);
            if (code === undefined) {
              code = dict.length;
              dict.push(c.dict[d]);
              index.set(c.dict[d], code);
            }
            remap[d] = code;
          }
          for (let i = 0; i < p.rows; i++) {
            const v = c.codes[i];
            out[at + i] = v < 0 ? -1 : remap[v];
          }
        }
        at += p.rows;
      }
      columns.set(name, { kind, dict, codes: out });
    } else {
      const out: (string | null)[] = [];
      for (const p of parts) {
        const c = p.columns.get(name);
        if (c && c.kind === 'str') for (const v of c.values) out.push(v);
        else for (let i = 0; i < p.rows; i++) out.push(null);
      }
      columns.set(name, { kind, values: out });
    }
  }
  return { rows: total, columns };
}

export { emptyLike };
