import { ConstantBytes, JsonBytes, Slot } from './json-bytes.js';
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

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** rows left to JSON.stringify after one made mostly of raw floats */
const STRINGIFY_ROWS = 255;

const PREDICTION_ID = [new ConstantBytes('"prediction_id":'), new ConstantBytes(',"prediction_id":')];
const TIMESTAMP = [new ConstantBytes('"timestamp":'), new ConstantBytes(',"timestamp":')];
const LINE_END = new ConstantBytes('}\n');

/**
 * What a client's rows looked like so far, kept from batch to batch: their shapes and decimals
 * (see JsonBytes) and the size of the last predictions body, so the next one is allocated about
 * once.
 */
export interface RowShapes {
  prediction: Slot;
  outcome: Slot;
  bytesPerRow: number;
  /** buffers of settled bodies, reused for the next ones (no allocation, no page faults, no GC pressure) */
  spare: Buffer[];
}

export const newRowShapes = (): RowShapes => ({ prediction: new Slot(), outcome: new Slot(), bytesPerRow: 512, spare: [] });

/** spare buffers kept per client */
const MAX_SPARE = 2;
/** smaller buffers may be slices of Node's shared pool: never reused */
const MIN_SPARE_BYTES = 64 * 1024;

/** Keep the predictions body's buffer of a batch that nothing refers to any more. */
export function recycle(shapes: RowShapes, batch: SerializedBatch): void {
  const body = batch.predictions?.body;
  if (!body || body.byteOffset !== 0 || body.buffer.byteLength < MIN_SPARE_BYTES || shapes.spare.length >= MAX_SPARE) return;
  shapes.spare.push(Buffer.from(body.buffer as ArrayBuffer));
}

/** A spare buffer of at least `bytes`, or that size to allocate (spares too small for the rows now are let go). */
function spareOrNew(shapes: RowShapes, bytes: number): Buffer | number {
  for (let b = shapes.spare.pop(); b; b = shapes.spare.pop()) if (b.length >= bytes) return b;
  return bytes;
}

/**
 * Appends NDJSON lines straight into one growing buffer: each row is written as bytes where it
 * ends up (JsonBytes), or, for what that does not handle, as JSON.stringify's string copied in.
 */
class NdjsonWriter {
  readonly out: JsonBytes;
  readonly ids: string[] = [];
  readonly offsets: number[] = [];

  constructor(
    buffer: Buffer | number,
    private readonly slot: Slot,
  ) {
    this.out = new JsonBytes(buffer, slot);
  }

  /**
   * One line: the row's JSON with the generated id and log time appended inside its braces (where
   * they win over an explicit `null` the caller left). Throws, having written nothing, when the
   * row is not serialisable as a JSON object.
   */
  add(row: object, id: string, flags: number, time: number): void {
    const out = this.out;
    const start = out.at;
    let members = -1;
    // rows of raw floats are written faster by JSON.stringify: after one, the next rows are left
    // to it, and every STRINGIFY_ROWS + 1 rows one is written by JsonBytes again to look
    if (this.slot.viaStringify > 0) this.slot.viaStringify--;
    else {
      members = out.openObject(row);
      if (members >= 0 && out.lastRowMostlyV8Numbers()) this.slot.viaStringify = STRINGIFY_ROWS;
    }
    if (members < 0) {
      const json = stringifyObject(row);
      out.raw(json);
      out.at--; // the closing brace
      members = json.length === 2 ? 0 : 1;
    }
    if (flags & ADD_ID) {
      out.constant(PREDICTION_ID[members++ > 0 ? 1 : 0]);
      out.asciiString(id); // generated: a UUIDv7
    }
    if (flags & ADD_TIME) {
      out.constant(TIMESTAMP[members++ > 0 ? 1 : 0]);
      out.repeatedInteger(time); // epoch ms of the log() call: the same for the rows logged within a millisecond
    }
    out.constant(LINE_END);
    this.offsets.push(start);
    this.ids.push(id);
  }

  part(): NdjsonPart | undefined {
    if (this.ids.length === 0) return undefined;
    this.offsets.push(this.out.at);
    return { body: this.out.buf.subarray(0, this.out.at), ids: this.ids, offsets: this.offsets };
  }
}

/**
 * Turns rows into the NDJSON bodies of one batch as they come, one row at a time: predictions
 * and outcomes into their own bodies, rows that cannot be serialised set aside with the reason.
 * `add` never throws.
 */
export class BatchWriter {
  /** rows added (serialised or set aside) */
  rows = 0;
  private readonly predictions: NdjsonWriter;
  private outcomes: NdjsonWriter | undefined;
  private readonly unserializable: SerializedBatch['unserializable'] = [];

  /** `rows`: how many rows the batch will likely have (sizes the first buffer) */
  constructor(
    private readonly shapes: RowShapes,
    rows: number,
  ) {
    this.predictions = new NdjsonWriter(spareOrNew(shapes, Math.ceil(rows * shapes.bytesPerRow * 1.1)), shapes.prediction);
  }

  add(row: object, id: string, flags: number, time: number): void {
    this.rows++;
    const outcome = (flags & OUTCOME) !== 0;
    try {
      (outcome ? (this.outcomes ??= new NdjsonWriter(0, this.shapes.outcome)) : this.predictions).add(row, id, flags, time);
    } catch (e) {
      this.unserializable.push({ kind: outcome ? 'outcome' : 'prediction', prediction_id: id, reason: `not serialisable as JSON: ${(e as Error).message}` });
    }
  }

  finish(): SerializedBatch {
    const predictions = this.predictions.part();
    if (predictions) this.shapes.bytesPerRow = predictions.body.length / predictions.ids.length;
    return { predictions, outcomes: this.outcomes?.part(), unserializable: this.unserializable };
  }
}

/**
 * Serialise a batch to NDJSON, `chunk` rows per event-loop turn so that a large batch never
 * holds the caller's loop for long. Fields the client filled in at log() time are appended at
 * the end of each object, where they win over an explicit `null` the caller left. `shapes`
 * carries what the rows looked like from one batch to the next.
 */
export async function serializeBatch(batch: RowBatch, chunk: number, shapes: RowShapes = newRowShapes()): Promise<SerializedBatch> {
  const writer = new BatchWriter(shapes, batch.rows.length);
  for (let i = 0; i < batch.rows.length; i++) {
    if (i > 0 && i % chunk === 0) await yieldTurn();
    writer.add(batch.rows[i], batch.ids[i], batch.flags[i], batch.times[i]);
  }
  return writer.finish();
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
