import { ByteDictionary } from './byte-dictionary.js';
import { MISSING_TOKENS } from './number-bytes.js';

/** The two kinds of column the readers produce. */
export type ColumnKind = 'numeric' | 'categorical';

/** A numeric column: one value per row, NaN where the cell was missing. */
export interface NumericColumn {
  readonly type: 'numeric';
  readonly values: Float64Array;
  /** true when `values` is still the ColumnTarget slice it was given */
  readonly inTarget?: boolean;
  /** how many values are NaN or ±inf, when the reader counted them (the CSV parser does) */
  readonly nonFinite?: number;
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
 * Where a chunk writes a numeric column: a slice of a SharedArrayBuffer that holds the column
 * for the whole file, so the chunks' values can be joined in place (report/read-inputs.ts).
 * `offset` and `capacity` count values, not bytes.
 */
export interface ColumnTarget {
  readonly buffer: SharedArrayBuffer;
  readonly offset: number;
  readonly capacity: number;
}

/**
 * Growable Float64Array for a numeric column of a chunk; with `shared`, on a SharedArrayBuffer,
 * so the chunk's values can be read by another thread without being copied. With a target it
 * writes into that slice, and moves to a buffer of its own only if the slice is outgrown.
 */
export class NumericBuilder {
  values: Float64Array;
  private inTarget: boolean;
  constructor(
    capacity: number,
    private readonly shared = false,
    target?: ColumnTarget,
  ) {
    this.inTarget = target !== undefined;
    this.values = target ? new Float64Array(target.buffer, target.offset * 8, target.capacity) : this.allocate(capacity);
  }
  /** Room for `capacity` values; an estimate (`hint`) does not move a column out of its target. */
  ensure(capacity: number, hint = false): void {
    if (capacity <= this.values.length || (hint && this.inTarget)) return;
    this.inTarget = false;
    const next = this.allocate(Math.max(capacity, Math.ceil(this.values.length * 1.5)));
    next.set(this.values);
    this.values = next;
  }
  private allocate(length: number): Float64Array {
    return this.shared ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length);
  }
  finish(rows: number): NumericColumn {
    // a shared buffer stays whole: copying it out would unshare it
    const values = this.shared || this.inTarget ? this.values.subarray(0, rows) : trim(this.values, rows);
    return this.inTarget ? { type: 'numeric', values, inTarget: true } : { type: 'numeric', values };
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
