import type { Kysely, Transaction } from 'kysely';
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

/** Outcomes whose prediction's timestamp is in [from, to), as columns. */
export async function outcomeColumns(db: Exec, modelId: string, from: number, to: number): Promise<OutcomeColumns> {
  const rows = await db
    .selectFrom('outcomes')
    .select(['prediction_id', 'prediction_ts', 'label', 'value'])
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
    out.label[i] = r.label;
    out.value[i] = r.value === null ? NaN : Number(r.value);
  }
  return out;
}
