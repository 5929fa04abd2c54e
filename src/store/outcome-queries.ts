import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './db-types.js';

type Exec = Kysely<DB> | Transaction<DB>;

/**
 * The outcomes of a window as columns (one entry per outcome): what the analyzer needs to join
 * them to the window's rows by (prediction time, prediction id), and nothing else.
 */
export interface OutcomeColumns {
  rows: number;
  predictionId: string[];
  /** the prediction's timestamp (epoch ms) */
  predictionTs: Float64Array;
  /** actual label (classification), null when absent */
  label: (string | null)[];
  /** actual value (regression), NaN when absent */
  value: Float64Array;
}

const ID_SEP = '\n'; // prediction ids never hold control characters (ingest/text-checks.ts)
const LABEL_SEP = '\u001f';

/**
 * Each column aggregated into one string by the database: one value per column to hand over
 * instead of an object per outcome (a window holds hundreds of thousands). All aggregates of
 * one SELECT see the rows in the same order. Only for labels: SQLite prints doubles with 15-16
 * digits, so values take the row path.
 */
function aggregated(dialect: 'sqlite' | 'postgres') {
  if (dialect === 'sqlite') {
    return sql`
      count(*) as n,
      group_concat(prediction_id, char(10)) as ids,
      group_concat(prediction_ts, ',') as ts,
      group_concat(coalesce(label, ''), char(31)) as labels`;
  }
  return sql`
    count(*) as n,
    string_agg(prediction_id, E'\\n') as ids,
    string_agg(prediction_ts::text, ',') as ts,
    string_agg(coalesce(label, ''), chr(31)) as labels`;
}

/**
 * Outcomes whose prediction's timestamp is in [from, to), as columns: with their actual labels
 * (`value` all NaN) or their actual values (`label` all null).
 */
export async function outcomeColumns(db: Exec, modelId: string, from: number, to: number, actual: 'label' | 'value', dialect: 'sqlite' | 'postgres'): Promise<OutcomeColumns> {
  if (actual === 'value') return outcomeRows(db, modelId, from, to, 'value');
  const row = await sql<{ n: number | string; ids: string | null; ts: string | null; labels: string | null }>`
    select ${aggregated(dialect)} from outcomes
    where model_id = ${modelId} and prediction_ts >= ${from} and prediction_ts < ${to}`.execute(db);
  const a = row.rows[0];
  const n = Number(a?.n ?? 0);
  if (n === 0) return { rows: 0, predictionId: [], predictionTs: new Float64Array(0), label: [], value: new Float64Array(0) };
  const ids = a.ids!.split(ID_SEP);
  const ts = parseIntegers(a.ts!, n);
  const labels = a.labels!.split(LABEL_SEP);
  // a label with the separator in it: read row by row instead
  if (ids.length !== n || !ts || labels.length !== n) return outcomeRows(db, modelId, from, to, 'label');
  return {
    rows: n,
    predictionId: ids,
    predictionTs: ts,
    // labels are never empty (model-schema.ts): '' stands for a missing one
    label: labels.map((l) => (l === '' ? null : l)),
    value: new Float64Array(n).fill(NaN),
  };
}

/** `n` comma-separated integers (timestamps) without a string per number; null when the text is not that. */
function parseIntegers(text: string, n: number): Float64Array | null {
  const out = new Float64Array(n);
  let k = 0;
  let v = 0;
  let sign = 1;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
    } else if (c === 44) {
      if (digits === 0 || k >= n) return null;
      out[k++] = sign * v;
      v = 0;
      sign = 1;
      digits = 0;
    } else if (c === 45 && digits === 0 && sign === 1) sign = -1;
    else return null;
  }
  return k === n ? out : null;
}

/** The same, one row per outcome. */
export async function outcomeRows(db: Exec, modelId: string, from: number, to: number, actual: 'label' | 'value'): Promise<OutcomeColumns> {
  const rows = await db
    .selectFrom('outcomes')
    .select(['prediction_id', 'prediction_ts', actual === 'label' ? 'label' : 'value'])
    .where('model_id', '=', modelId)
    .where('prediction_ts', '>=', from)
    .where('prediction_ts', '<', to)
    .execute();
  const n = rows.length;
  const out: OutcomeColumns = { rows: n, predictionId: new Array<string>(n), predictionTs: new Float64Array(n), label: new Array<string | null>(n), value: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.predictionId[i] = r.prediction_id;
    out.predictionTs[i] = Number(r.prediction_ts);
    out.label[i] = 'label' in r ? r.label : null;
    out.value[i] = 'value' in r && r.value !== null ? Number(r.value) : NaN;
  }
  return out;
}
