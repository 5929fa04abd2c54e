import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './db-types.js';
import type { OutcomeSummary } from './monitoring-store.js';

type Exec = Kysely<DB> | Transaction<DB>;

export const HOUR_MS = 3_600_000;

const emptySummary = (): OutcomeSummary => ({ cells: [], regression: { n: 0, sum_abs_error: 0, sum_sq_error: 0, sum_y: 0, sum_y2: 0, sum_abs_pct_error: 0 } });

/** Adds `b` into `a` (cells matched by predicted and actual label). */
function merge(a: OutcomeSummary, b: OutcomeSummary): OutcomeSummary {
  const key = (c: { predicted: string | null; actual: string | null }) => `${c.predicted === null ? '' : `=${c.predicted}`}\u0000${c.actual === null ? '' : `=${c.actual}`}`;
  const cells = new Map(a.cells.map((c) => [key(c), { ...c }]));
  for (const c of b.cells) {
    const hit = cells.get(key(c));
    if (hit) hit.n += c.n;
    else cells.set(key(c), { ...c });
  }
  const r = a.regression;
  const s = b.regression;
  return {
    cells: [...cells.values()],
    regression: {
      n: r.n + s.n,
      sum_abs_error: r.sum_abs_error + s.sum_abs_error,
      sum_sq_error: r.sum_sq_error + s.sum_sq_error,
      sum_y: r.sum_y + s.sum_y,
      sum_y2: r.sum_y2 + s.sum_y2,
      sum_abs_pct_error: r.sum_abs_pct_error + s.sum_abs_pct_error,
    },
  };
}

/** Straight from the outcome rows (index-only on outcomes_model_prediction_ts_cover): for short ranges. */
export async function summarizeOutcomeRows(db: Exec, modelId: string, from: number, to: number, dialect: 'sqlite' | 'postgres'): Promise<OutcomeSummary> {
  if (!(to > from)) return emptySummary();
  // PostgreSQL raises on float8 overflow and underflow: add up in numeric there (exact)
  const y = dialect === 'postgres' ? sql`value::numeric` : sql`value`;
  const err = dialect === 'postgres' ? sql`(value::numeric - pred_value::numeric)` : sql`(value - pred_value)`;
  const base = db.selectFrom('outcomes').where('model_id', '=', modelId).where('prediction_ts', '>=', from).where('prediction_ts', '<', to);
  const cells = await base
    .select(['pred_label', 'label', (eb) => eb.fn.countAll().as('n')])
    .where('label', 'is not', null)
    .groupBy(['pred_label', 'label'])
    .execute();
  const r = await base
    .select((eb) => [
      eb.fn.countAll().as('n'),
      eb.fn.sum(sql<number>`abs(${err})`).as('sum_abs_error'),
      eb.fn.sum(sql<number>`${err} * ${err}`).as('sum_sq_error'),
      eb.fn.sum(sql<number>`${y}`).as('sum_y'),
      eb.fn.sum(sql<number>`${y} * ${y}`).as('sum_y2'),
      // sklearn's MAPE divides by max(|y|, eps)
      eb.fn.sum(sql<number>`abs(${err}) / (case when abs(${y}) > 2.220446049250313e-16 then abs(${y}) else 2.220446049250313e-16 end)`).as('sum_abs_pct_error'),
    ])
    .where('value', 'is not', null)
    .where('pred_value', 'is not', null)
    .executeTakeFirstOrThrow();
  return {
    cells: cells.map((c) => ({ predicted: c.pred_label, actual: c.label, n: Number(c.n) })),
    regression: {
      n: Number(r.n),
      sum_abs_error: Number(r.sum_abs_error ?? 0),
      sum_sq_error: Number(r.sum_sq_error ?? 0),
      sum_y: Number(r.sum_y ?? 0),
      sum_y2: Number(r.sum_y2 ?? 0),
      sum_abs_pct_error: Number(r.sum_abs_pct_error ?? 0),
    },
  };
}

const unkey = (k: string): string | null => (k === '' ? null : k.slice(1));

/** The rollups of whole hours [h0, h1). */
async function summarizeHours(db: Exec, modelId: string, h0: number, h1: number): Promise<OutcomeSummary> {
  const rows = await db
    .selectFrom('outcome_rollups')
    .select((eb) => [
      'pred_key',
      'label_key',
      eb.fn.sum('n_label').as('n_label'),
      eb.fn.sum('n_value').as('n_value'),
      eb.fn.sum('sum_abs_error').as('sum_abs_error'),
      eb.fn.sum('sum_sq_error').as('sum_sq_error'),
      eb.fn.sum('sum_y').as('sum_y'),
      eb.fn.sum('sum_y2').as('sum_y2'),
      eb.fn.sum('sum_abs_pct_error').as('sum_abs_pct_error'),
    ])
    .where('model_id', '=', modelId)
    .where('hour', '>=', h0)
    .where('hour', '<', h1)
    .groupBy(['pred_key', 'label_key'])
    .execute();
  const out = emptySummary();
  const g = out.regression;
  for (const r of rows) {
    const nLabel = Number(r.n_label);
    if (nLabel > 0 && r.label_key !== '') out.cells.push({ predicted: unkey(r.pred_key), actual: unkey(r.label_key), n: nLabel });
    const nValue = Number(r.n_value);
    // sums of a key whose outcomes all went away are rounding residue: leave them out
    if (nValue > 0) {
      g.n += nValue;
      g.sum_abs_error += Number(r.sum_abs_error);
      g.sum_sq_error += Number(r.sum_sq_error);
      g.sum_y += Number(r.sum_y);
      g.sum_y2 += Number(r.sum_y2);
      g.sum_abs_pct_error += Number(r.sum_abs_pct_error);
    }
  }
  return out;
}

/**
 * Merge the delta rows of hours [h0, h1) into one row per key (PostgreSQL's triggers append
 * deltas). One statement, so concurrent writers' new deltas (not in its snapshot) are kept, and
 * two compactions at once cannot count anything twice.
 */
async function compactHours(db: Exec, modelId: string, h0: number, h1: number): Promise<void> {
  const loose = await db
    .selectFrom('outcome_rollups')
    .select('hour')
    .where('model_id', '=', modelId)
    .where('hour', '>=', h0)
    .where('hour', '<', h1)
    .groupBy(['hour', 'pred_key', 'label_key'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .limit(1)
    .execute();
  if (loose.length === 0) return;
  await sql`
    with gone as (
      delete from outcome_rollups where model_id = ${modelId} and hour >= ${h0} and hour < ${h1}
      returning *
    )
    insert into outcome_rollups (model_id, hour, pred_key, label_key, n_label, n_value, sum_abs_error, sum_sq_error, sum_y, sum_y2, sum_abs_pct_error)
    select model_id, hour, pred_key, label_key, sum(n_label), sum(n_value), sum(sum_abs_error), sum(sum_sq_error), sum(sum_y), sum(sum_y2), sum(sum_abs_pct_error)
    from gone group by model_id, hour, pred_key, label_key`.execute(db);
}

/**
 * Outcomes whose prediction time is in [from, to), summarised: whole hours from the rollups
 * (migration 0005), the partial hours at both edges from the outcome rows. The cost follows the
 * number of hours, not of outcomes. Counts are exact; on SQLite the regression sums are added in
 * another order than one SUM over the rows would (differences at the last bits), on PostgreSQL
 * they are exact (numeric) until read.
 */
export async function summarizeOutcomes(db: Exec, modelId: string, from: number, to: number, dialect: 'sqlite' | 'postgres'): Promise<OutcomeSummary> {
  if (!(to > from)) return emptySummary();
  const h0 = Math.ceil(from / HOUR_MS);
  const h1 = Math.floor(to / HOUR_MS);
  if (h1 <= h0) return summarizeOutcomeRows(db, modelId, from, to, dialect);
  // PostgreSQL's triggers append deltas (concurrent writers never wait on each other): compact them
  if (dialect === 'postgres') await compactHours(db, modelId, h0, h1);
  let out = await summarizeHours(db, modelId, h0, h1);
  if (from < h0 * HOUR_MS) out = merge(out, await summarizeOutcomeRows(db, modelId, from, h0 * HOUR_MS, dialect));
  if (h1 * HOUR_MS < to) out = merge(out, await summarizeOutcomeRows(db, modelId, h1 * HOUR_MS, to, dialect));
  return out;
}
