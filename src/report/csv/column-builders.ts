import { ByteDictionary } from './byte-dictionary.js';
import { MISSING_TOKENS } from './number-bytes.js';

/** The two kinds of column the readers produce. */
export type ColumnKind = 'numeric' | 'categorical';

/** A numeric column: one value per row, NaN where the cell was missing. */
export interface NumericColumn {
  readonly type: 'numeric';
  readonly values: Float64Array;
}

/**
 * A categorical column as dictionary codes: `dictionary[codes[row]]` is the row's value,
 * code -1 marks a missing cell. The dictionary holds no missing markers.
 */
export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn;

/**
 * Growable Float64Array for a numeric column of a chunk; with `shared`, on a SharedArrayBuffer,
 * so the chunk's values can be read by another thread without being copied.
 */
export class NumericBuilder {
  values: Float64Array;
  constructor(
    capacity: number,
    private readonly shared = false,
  ) {
    this.values = this.allocate(capacity);
  }
  ensure(capacity: number): void {
    if (capacity <= this.values.length) return;
    const next = this.allocate(Math.max(capacity, Math.ceil(this.values.length * 1.5)));
    next.set(this.values);
    this.values = next;
  }
  private allocate(length: number): Float64Array {
    return this.shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
  }
  finish(rows: number): NumericColumn {
    // a shared buffer stays whole: copying it out would unshare it
    return { type: 'numeric', values: this.shared ? this.values.subarray(0, rows) : trim(this.values, rows) };
  }
}

/** Growable Int32Array of dictionary codes for a categorical column of a chunk. */
export class CategoricalBuilder {
  codes: Int32Array;
  readonly dictionary = new ByteDictionary();
  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }
  ensure(capacity: number): void {
    if (capacity <= this.codes.length) return;
    const next = new Int32Array(Math.max(capacity, Math.ceil(this.codes.length * 1.5)));
    next.set(this.codes);
    this.codes = next;
  }
  /** Drops missing markers ('', NA, null, …) from the dictionary, recoding their cells as -1. */
  finish(rows: number): CategoricalColumn {
    const codes = trim(this.codes, rows);
    const values = this.dictionary.values;
    const remap = new Int32Array(values.length);
    const dictionary: string[] = [];
    let changed = false;
    for (let c = 0; c < values.length; c++) {
      if (MISSING_TOKENS.has(values[c])) {
        remap[c] = -1;
        changed = true;
      } else {
        remap[c] = dictionary.length;
        if (remap[c] !== c) changed = true;
        dictionary.push(values[c]);
      }
    }
    if (changed) for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]];
    return { type: 'categorical', codes, dictionary };
  }
}

/** The first `rows` entries; copies only when the spare capacity is worth giving back. */
function trim<T extends Float64Array | Int32Array>(a: T, rows: number): T {
  if (a.length === rows) return a;
  if (a.length - rows > 1024 + rows / 16) return a.slice(0, rows) as T;
  return a.subarray(0, rows) as T;
}
