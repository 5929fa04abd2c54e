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
  body: string;
  ids: string[];
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Serialise a batch to NDJSON, `chunk` rows per event-loop turn so that a large batch never
 * holds the caller's loop for long. Fields the client filled in at log() time are appended at
 * the end of each object, where they win over an explicit `null` the caller left.
 */
export async function serializeBatch(batch: RowBatch, chunk: number): Promise<SerializedBatch> {
  const predictionLines: string[] = [];
  const predictionIds: string[] = [];
  const outcomeLines: string[] = [];
  const outcomeIds: string[] = [];
  const unserializable: SerializedBatch['unserializable'] = [];
  for (let i = 0; i < batch.rows.length; i++) {
    if (i > 0 && i % chunk === 0) await yieldTurn();
    const flags = batch.flags[i];
    const outcome = (flags & OUTCOME) !== 0;
    let line: string;
    try {
      line = serializeRow(batch.rows[i], batch.ids[i], flags, batch.times[i]);
    } catch (e) {
      unserializable.push({ kind: outcome ? 'outcome' : 'prediction', prediction_id: batch.ids[i], reason: `not serialisable as JSON: ${(e as Error).message}` });
      continue;
    }
    if (outcome) {
      outcomeLines.push(line);
      outcomeIds.push(batch.ids[i]);
    } else {
      predictionLines.push(line);
      predictionIds.push(batch.ids[i]);
    }
  }
  const part = (lines: string[], ids: string[]) => (lines.length ? { body: `${lines.join('\n')}\n`, ids } : undefined);
  return { predictions: part(predictionLines, predictionIds), outcomes: part(outcomeLines, outcomeIds), unserializable };
}

/** One row as one line of JSON, with the generated id and log time appended when asked. */
export function serializeRow(row: object, id: string, flags: number, time: number): string {
  const json = JSON.stringify(row);
  if (typeof json !== 'string' || json.charCodeAt(0) !== 123 /* { */) throw new TypeError('a row must be a plain object');
  if ((flags & (ADD_ID | ADD_TIME)) === 0) return json;
  let extra = '';
  if (flags & ADD_ID) extra += `"prediction_id":${JSON.stringify(id)}`;
  if (flags & ADD_TIME) extra += `${extra ? ',' : ''}"timestamp":${time}`;
  return json.length === 2 ? `{${extra}}` : `${json.slice(0, -1)},${extra}}`;
}
