import type { OutcomeColumns } from '../store/outcome-queries.js';

const TWO_32 = 4294967296;

/**
 * Finds the outcome of a window row by (prediction time, prediction id). An outcome carries its
 * prediction's timestamp, so the join first probes an open-addressing hash on the timestamp (a
 * number: cheap) and compares ids only for the few rows whose time matches an outcome's; most
 * rows of a window have no outcome and never touch a string.
 */
export class OutcomeIndex {
  private readonly mask: number;
  /** slot → timestamp (NaN when empty) */
  private readonly keys: Float64Array;
  /** slot → first outcome with that timestamp */
  private readonly first: Int32Array;
  /** outcome → next outcome with the same timestamp (-1 ends the chain) */
  private readonly next: Int32Array;

  constructor(private readonly outcomes: OutcomeColumns) {
    const n = outcomes.rows;
    let size = 16;
    while (size < n * 2) size *= 2;
    this.mask = size - 1;
    this.keys = new Float64Array(size).fill(NaN);
    this.first = new Int32Array(size).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    for (let o = 0; o < n; o++) {
      const ts = outcomes.predictionTs[o];
      if (Number.isNaN(ts)) continue;
      const slot = this.slotOf(ts);
      if (this.first[slot] >= 0) this.next[o] = this.first[slot];
      this.keys[slot] = ts;
      this.first[slot] = o;
    }
  }

  get size(): number {
    return this.outcomes.rows;
  }

  /** the slot holding `ts`, or the empty slot where it would go */
  private slotOf(ts: number): number {
    // ToInt32: the low 32 bits of an integral timestamp (any number hashes the same every time)
    const lo = ts | 0;
    const hi = (ts / TWO_32) | 0;
    let slot = (Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 7) & this.mask;
    for (;;) {
      const k = this.keys[slot];
      if (k === ts || Number.isNaN(k)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Whether some outcome belongs to a prediction made at `ts` (cheap pre-check). */
  hasTime(ts: number): boolean {
    return this.keys[this.slotOf(ts)] === ts;
  }

  /** The outcome (index into the columns) of the prediction `id` made at `ts`, or -1. */
  find(ts: number, id: string | null): number {
    const slot = this.slotOf(ts);
    // most rows have no outcome: their time is not in the table, and no id is compared
    if (this.keys[slot] !== ts || id === null) return -1;
    for (let o = this.first[slot]; o >= 0; o = this.next[o]) if (this.outcomes.predictionId[o] === id) return o;
    return -1;
  }
}
