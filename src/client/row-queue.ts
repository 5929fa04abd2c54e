/** Row flags: which kind of row, and what the serialiser must add to it. */
export const OUTCOME = 1;
/** the row has no prediction_id: append the one generated at log() time (a UUIDv7: ASCII, nothing to escape) */
export const ADD_ID = 2;
/** the row has no timestamp: append the log() time */
export const ADD_TIME = 4;

/** Rows taken from the queue together, in log order. */
export interface RowBatch {
  rows: object[];
  /** prediction ids, as strings */
  ids: string[];
  flags: number[];
  /** epoch ms of the log() call, used when ADD_TIME is set */
  times: number[];
}

/**
 * A fixed-capacity FIFO ring of logged rows, in parallel arrays allocated once, so that
 * enqueueing a row allocates nothing and costs a few stores. The rows are kept by reference:
 * nothing is copied or serialised until the batch is taken.
 */
export class RowQueue {
  private readonly rows: (object | undefined)[];
  private readonly ids: (string | undefined)[];
  private readonly flags: Uint8Array;
  private readonly times: Float64Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.rows = new Array<object | undefined>(capacity).fill(undefined);
    this.ids = new Array<string | undefined>(capacity).fill(undefined);
    this.flags = new Uint8Array(capacity);
    this.times = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Append a row; the caller checks `full` first. */
  push(row: object, id: string, flags: number, time: number): void {
    let at = this.head + this.size;
    if (at >= this.capacity) at -= this.capacity;
    this.rows[at] = row;
    this.ids[at] = id;
    this.flags[at] = flags;
    this.times[at] = time;
    this.size++;
  }

  /** Forget the oldest row (the drop-oldest policy). */
  dropOldest(): void {
    if (this.size === 0) return;
    this.rows[this.head] = undefined;
    this.ids[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.size--;
  }

  /** Remove up to `n` of the oldest rows, handing each to `sink` in order; returns how many. */
  takeInto(sink: { add(row: object, id: string, flags: number, time: number): void }, n: number): number {
    const count = Math.min(n, this.size);
    for (let i = 0; i < count; i++) {
      const at = this.head;
      const row = this.rows[at]!;
      const id = this.ids[at]!;
      this.rows[at] = undefined;
      this.ids[at] = undefined;
      this.head = at + 1 === this.capacity ? 0 : at + 1;
      this.size--;
      sink.add(row, id, this.flags[at], this.times[at]);
    }
    return count;
  }

  /** Remove and return up to `n` of the oldest rows. */
  take(n: number): RowBatch {
    const count = Math.min(n, this.size);
    const batch: RowBatch = { rows: new Array(count), ids: new Array(count), flags: new Array(count), times: new Array(count) };
    let at = this.head;
    for (let i = 0; i < count; i++) {
      batch.rows[i] = this.rows[at]!;
      batch.ids[i] = this.ids[at]!;
      batch.flags[i] = this.flags[at];
      batch.times[i] = this.times[at];
      this.rows[at] = undefined;
      this.ids[at] = undefined;
      at = at + 1 === this.capacity ? 0 : at + 1;
    }
    this.head = at;
    this.size -= count;
    return batch;
  }
}
