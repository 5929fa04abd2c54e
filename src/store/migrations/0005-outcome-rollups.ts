import { type Kysely, sql } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * Rolling performance (7/30/90 days) without reading every outcome of 90 days: per model and
 * hour of prediction time, the count per (predicted, actual) label and the regression sums,
 * kept up to date by triggers on `outcomes`, so every write path (upserts, late linking,
 * retention, deletes) maintains them. A reader adds up whole hours here and reads only the
 * partial hours at a range's edges from `outcomes` (store/outcome-rollups.ts).
 *
 * Keys: a label is stored as '=' || label, a missing one as '' (key columns cannot be null).
 * SQLite has one writer, so its triggers upsert one row per cell. PostgreSQL has concurrent
 * writers: its statement-level triggers append delta rows (no row locks shared between
 * writers, no deadlocks), which readers sum and compact.
 *
 * The outcomes index gains the columns the window join and the edges read, so both are
 * index-only scans (the table itself is keyed by prediction id).
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema.dropIndex('outcomes_model_prediction_ts').ifExists().execute();
  await db.schema
    .createIndex('outcomes_model_prediction_ts_cover')
    .on('outcomes')
    .columns(['model_id', 'prediction_ts', 'label', 'value', 'pred_label', 'pred_value', 'prediction_id'])
    .execute();

  // PostgreSQL raises on float8 overflow and underflow (a squared 1e-200 is an error, not 0):
  // its sums are numeric, exact, and only become doubles when read
  const sumType = t.name === 'postgres' ? 'numeric' : t.double;
  const num = (e: string) => (t.name === 'postgres' ? `(${e})::numeric` : `(${e})`);
  let table = db.schema
    .createTable('outcome_rollups')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('pred_key', 'text', (c) => c.notNull())
    .addColumn('label_key', 'text', (c) => c.notNull())
    // outcomes with an actual label / with both an actual and a predicted value
    .addColumn('n_label', 'bigint', (c) => c.notNull())
    .addColumn('n_value', 'bigint', (c) => c.notNull())
    .addColumn('sum_abs_error', sumType, (c) => c.notNull())
    .addColumn('sum_sq_error', sumType, (c) => c.notNull())
    .addColumn('sum_y', sumType, (c) => c.notNull())
    .addColumn('sum_y2', sumType, (c) => c.notNull())
    .addColumn('sum_abs_pct_error', sumType, (c) => c.notNull());
  if (t.name === 'sqlite') table = table.addPrimaryKeyConstraint('outcome_rollups_pk', ['model_id', 'hour', 'pred_key', 'label_key']).modifyEnd(sql`without rowid`);
  await table.execute();
  if (t.name === 'postgres') await db.schema.createIndex('outcome_rollups_model_hour').on('outcome_rollups').columns(['model_id', 'hour']).execute();

  // floor division on bigints in both dialects (their `/` truncates towards zero)
  const hourOf = (ts: string) => `((${ts} - (((${ts}) % 3600000) + 3600000) % 3600000) / 3600000)`;
  const key = (col: string) => `coalesce('=' || ${col}, '')`;
  const hasValue = (r: string) => `(${r}.value is not null and ${r}.pred_value is not null)`;
  /** the rollup row of one outcome row `r`, times `sign` */
  const cells = (r: string, sign: string) => {
    const v = (e: string) => `case when ${hasValue(r)} then ${sign} * (${e}) else 0 end`;
    const y = num(`${r}.value`);
    const err = `${y} - ${num(`${r}.pred_value`)}`;
    return [
      `${r}.model_id`,
      hourOf(`${r}.prediction_ts`),
      key(`${r}.pred_label`),
      key(`${r}.label`),
      `case when ${r}.label is not null then ${sign} else 0 end`,
      `case when ${hasValue(r)} then ${sign} else 0 end`,
      v(`abs(${err})`),
      v(`(${err}) * (${err})`),
      v(y),
      v(`${y} * ${y}`),
      // sklearn's MAPE divides by max(|y|, eps), as summarizeOutcomes did
      v(`abs(${err}) / (case when abs(${y}) > 2.220446049250313e-16 then abs(${y}) else 2.220446049250313e-16 end)`),
    ];
  };
  const COLS = 'model_id, hour, pred_key, label_key, n_label, n_value, sum_abs_error, sum_sq_error, sum_y, sum_y2, sum_abs_pct_error';

  if (t.name === 'sqlite') {
    // (SQLite reads `insert … select … on conflict` only with a WHERE on the select)
    const upsert = (r: 'new' | 'old', sign: string) => `
      insert into outcome_rollups (${COLS}) select ${cells(r, sign).join(', ')} where ${r}.prediction_ts is not null
      on conflict (model_id, hour, pred_key, label_key) do update set
        n_label = n_label + excluded.n_label, n_value = n_value + excluded.n_value,
        sum_abs_error = sum_abs_error + excluded.sum_abs_error, sum_sq_error = sum_sq_error + excluded.sum_sq_error,
        sum_y = sum_y + excluded.sum_y, sum_y2 = sum_y2 + excluded.sum_y2, sum_abs_pct_error = sum_abs_pct_error + excluded.sum_abs_pct_error;`;
    await sql.raw(`create trigger outcome_rollups_insert after insert on outcomes begin ${upsert('new', '1')} end`).execute(db);
    await sql.raw(`create trigger outcome_rollups_delete after delete on outcomes begin ${upsert('old', '-1')} end`).execute(db);
    await sql.raw(`create trigger outcome_rollups_update after update of model_id, prediction_ts, label, value, pred_label, pred_value on outcomes begin ${upsert('old', '-1')} ${upsert('new', '1')} end`).execute(db);
  } else {
    const append = (table: string, sign: string) => `
      insert into outcome_rollups (${COLS})
      select ${cells('r', sign)
        .map((e, i) => (i < 4 ? e : `sum(${e})`))
        .join(', ')}
      from ${table} r where r.prediction_ts is not null group by 1, 2, 3, 4;`;
    const fn = (name: string, body: string) =>
      sql.raw(`create function ${name}() returns trigger language plpgsql as $$ begin ${body} return null; end $$`).execute(db);
    await fn('outcome_rollups_insert', append('new_rows', '1'));
    await fn('outcome_rollups_delete', append('old_rows', '-1'));
    await fn('outcome_rollups_update', append('old_rows', '-1') + append('new_rows', '1'));
    await sql.raw(`create trigger outcome_rollups_insert after insert on outcomes referencing new table as new_rows for each statement execute function outcome_rollups_insert()`).execute(db);
    await sql.raw(`create trigger outcome_rollups_delete after delete on outcomes referencing old table as old_rows for each statement execute function outcome_rollups_delete()`).execute(db);
    await sql
      .raw(`create trigger outcome_rollups_update after update on outcomes referencing old table as old_rows new table as new_rows for each statement execute function outcome_rollups_update()`)
      .execute(db);
  }

  // what is already stored
  await sql
    .raw(
      `insert into outcome_rollups (${COLS})
       select ${cells('o', '1')
         .map((e, i) => (i < 4 ? e : `sum(${e})`))
         .join(', ')}
       from outcomes o where o.prediction_ts is not null group by 1, 2, 3, 4`,
    )
    .execute(db);
}
