import { ADD_ID, ADD_TIME, OUTCOME, type RowBatch } from './row-queue.js';

/** A batch turned into NDJSON request bodies, one per endpoint. */
export interface SerializedBatch {
  predictions: NdjsonPart | undefined;
  outcomes: NdjsonPart | undefined;
  /** rows that JSON.stringify refused (cycles, BigInt…) */
  unserializable: { kind: 'prediction' | 'outcome'; prediction_id: string; reason: string }[];
}

/** One NDJSON body and the prediction ids of its lines, in order (line i ↔ ids[i]). */
export interface NdjsonPart {
  body: Buffer;
  ids: string[];
  /** byte offset where each line starts, and the body's length last (ids.length + 1 entries) */
  offsets: number[];
}

/** size of the last rows written, so the next batch's buffer is allocated about once */
let bytesPerRow = 512;

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Appends NDJSON lines straight into one growing buffer: no per-line copies, no joined string,
 * no second copy of the body (the flush path's garbage is mostly what JSON.stringify makes).
 */
class NdjsonWriter {
  private buf: Buffer;
  private at = 0;
  readonly ids: string[] = [];
  readonly offsets: number[] = [];

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, bytes));
  }

  /** `json` is one object; `extra` (already JSON members) is appended inside its braces. */
  add(json: string, extra: string, id: string): void {
    this.ensure(json.length * 3 + extra.length * 3 + 4);
    this.offsets.push(this.at);
    this.ids.push(id);
    if (extra === '') this.at += this.buf.write(json, this.at, 'utf8');
    else {
      this.at += this.buf.write(json.length === 2 ? '{' : json.slice(0, -1), this.at, 'utf8');
      this.at += this.buf.write(json.length === 2 ? `${extra}}` : `,${extra}}`, this.at, 'utf8');
    }
    this.buf[this.at++] = 10; // \n
  }

  part(): NdjsonPart | undefined {
    if (this.ids.length === 0) return undefined;
    bytesPerRow = this.at / this.ids.length;
    this.offsets.push(this.at);
    return { body: this.buf.subarray(0, this.at), ids: this.ids, offsets: this.offsets };
  }

  private ensure(bytes: number): void {
    if (this.buf.length - this.at >= bytes) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}

/**
 * Serialise a batch to NDJSON, `chunk` rows per event-loop turn so that a large batch never
 * holds the caller's loop for long. Fields the client filled in at log() time are appended at
 * the end of each object, where they win over an explicit `null` the caller left.
 */
export async function serializeBatch(batch: RowBatch, chunk: number): Promise<SerializedBatch> {
  const predictions = new NdjsonWriter(Math.ceil(batch.rows.length * bytesPerRow * 1.1));
  const outcomes = new NdjsonWriter(0);
  const unserializable: SerializedBatch['unserializable'] = [];
  for (let i = 0; i < batch.rows.length; i++) {
    if (i > 0 && i % chunk === 0) await yieldTurn();
    const flags = batch.flags[i];
    const outcome = (flags & OUTCOME) !== 0;
    let json: string;
    try {
      json = stringifyObject(batch.rows[i]);
    } catch (e) {
      unserializable.push({ kind: outcome ? 'outcome' : 'prediction', prediction_id: batch.ids[i], reason: `not serialisable as JSON: ${(e as Error).message}` });
      continue;
    }
    (outcome ? outcomes : predictions).add(json, extraMembers(batch.ids[i], flags, batch.times[i]), batch.ids[i]);
  }
  return { predictions: predictions.part(), outcomes: outcomes.part(), unserializable };
}

function stringifyObject(row: object): string {
  const json = JSON.stringify(row);
  if (typeof json !== 'string' || json.charCodeAt(0) !== 123 /* { */) throw new TypeError('a row must be a plain object');
  return json;
}

function extraMembers(id: string, flags: number, time: number): string {
  if ((flags & (ADD_ID | ADD_TIME)) === 0) return '';
  let extra = '';
  if (flags & ADD_ID) extra += `"prediction_id":${JSON.stringify(id)}`;
  if (flags & ADD_TIME) extra += `${extra ? ',' : ''}"timestamp":${time}`;
  return extra;
}

/** One row as one line of JSON, with the generated id and log time appended when asked. */
export function serializeRow(row: object, id: string, flags: number, time: number): string {
  const json = stringifyObject(row);
  const extra = extraMembers(id, flags, time);
  if (extra === '') return json;
  return json.length === 2 ? `{${extra}}` : `${json.slice(0, -1)},${extra}}`;
}

/** Split a part in two halves of its lines (for a 413). */
export function splitPart(part: NdjsonPart): [NdjsonPart, NdjsonPart] {
  const half = Math.ceil(part.ids.length / 2);
  const cut = part.offsets[half];
  const end = part.offsets[part.ids.length];
  return [
    { body: part.body.subarray(0, cut), ids: part.ids.slice(0, half), offsets: part.offsets.slice(0, half + 1) },
    { body: part.body.subarray(cut, end), ids: part.ids.slice(half), offsets: part.offsets.slice(half).map((o) => o - cut) },
  ];
}
