import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeColumns } from '../blocks/codec.js';
import { takeColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, splitByDay, tsColumn } from '../blocks/prediction-rows.js';
import type { PredictionBatch, PredictionWriteResult } from '../store.js';

const UNIQUE_VIOLATION = '23505';
/** below this many rows a batch's keys go in one INSERT … unnest (a COPY costs a round trip more) */
const COPY_MIN_ROWS = 200;

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
const escapeText = (s: string): string => (/[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s);
const textCell = (v: string | null): string => (v === null ? '\\N' : escapeText(v));
const numCell = (v: number | null): string => (v === null ? '\\N' : String(v));

/** The keys of a batch as COPY text rows (model_id, prediction_id, ts, pred_label, pred_score, pred_value). */
function keyRows(batch: PredictionBatch, rows: readonly number[] | null): string {
  const ids = idColumn(batch.columns);
  const ts = tsColumn(batch.columns);
  const pv = predictedValues(batch.columns);
  const model = escapeText(batch.model_id);
  const parts: string[] = [];
  const n = rows ? rows.length : ids.length;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k] : k;
    parts.push(`${model}\t${textCell(ids[i])}\t${ts[i]}\t${textCell(pv.label(i))}\t${numCell(pv.score(i))}\t${numCell(pv.value(i))}\n`);
  }
  return parts.join('');
}

async function copyIn(client: pg.PoolClient, statement: string, text: string): Promise<void> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from([Buffer.from(text)]), stream);
}

/** INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING: the new ids. */
async function insertKeysUnnest(client: pg.PoolClient, batch: PredictionBatch): Promise<Set<string>> {
  const ids = idColumn(batch.columns);
  const ts = tsColumn(batch.columns);
  const pv = predictedValues(batch.columns);
  const r = await client.query<{ prediction_id: string }>(
    `INSERT INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value)
     SELECT $1, k.id, k.ts, k.l, k.s, k.v FROM unnest($2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[]) AS k(id, ts, l, s, v)
     ON CONFLICT DO NOTHING RETURNING prediction_id`,
    [batch.model_id, ids, Array.from(ts), ids.map((_, i) => pv.label(i)), ids.map((_, i) => pv.score(i)), ids.map((_, i) => pv.value(i))],
  );
  return new Set(r.rows.map((x) => x.prediction_id));
}

/**
 * Insert a batch's keys, reporting those that already existed. A large batch COPYs straight
 * into prediction_keys behind a savepoint (opened with the statement before it: no round trip
 * of its own, and never released — the commit ends it); a retried batch (or an id another
 * instance is writing) fails that on the primary key, and then goes through a temporary table
 * and INSERT … ON CONFLICT DO NOTHING RETURNING, which tells the new ids from the repeats.
 * Measured on the bench model's 5,000-row batches: bench/README.md (PostgreSQL write paths).
 */
async function insertKeys(client: pg.PoolClient, batch: PredictionBatch, savepoint: string): Promise<Set<string> | 'all'> {
  if (batch.columns.rows < COPY_MIN_ROWS) return insertKeysUnnest(client, batch);
  const text = keyRows(batch, null);
  await client.query(savepoint);
  try {
    await copyIn(client, 'COPY prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value) FROM STDIN', text);
    return 'all';
  } catch (e) {
    if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
    await client.query('ROLLBACK TO SAVEPOINT keys');
  }
  await client.query(
    'CREATE TEMP TABLE IF NOT EXISTS incoming_keys (model_id text, prediction_id text, ts bigint, pred_label text, pred_score float8, pred_value float8) ON COMMIT DELETE ROWS; TRUNCATE incoming_keys',
  );
  await copyIn(client, 'COPY incoming_keys FROM STDIN', text);
  const r = await client.query<{ prediction_id: string }>(
    `INSERT INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value)
     SELECT model_id, prediction_id, ts, pred_label, pred_score, pred_value FROM incoming_keys
     ON CONFLICT DO NOTHING RETURNING prediction_id`,
  );
  return new Set(r.rows.map((x) => x.prediction_id));
}

/**
 * Write prediction batches in one transaction on a client of the pool: keys through COPY, one
 * block per model, schema version and UTC day, orphan outcomes linked. Commits before it
 * resolves (a 2xx means durable); on any error it rolls back and rethrows, nothing written.
 */
export async function writeWithCopy(client: pg.PoolClient, batches: PredictionBatch[], now: number): Promise<PredictionWriteResult[]> {
  let begun = false;
  try {
    const results: PredictionWriteResult[] = [];
    for (const batch of batches) {
      const ids = idColumn(batch.columns) as string[];
      // BEGIN travels with the first batch's first statement
      const savepoint = begun ? 'SAVEPOINT keys' : 'BEGIN; SAVEPOINT keys';
      const small = !begun && batch.columns.rows < COPY_MIN_ROWS;
      begun = true; // from here on a failure rolls back (a ROLLBACK without a transaction only warns)
      if (small) await client.query('BEGIN');
      const fresh = await insertKeys(client, batch, savepoint);
      const keep: number[] = [];
      const duplicates: string[] = [];
      const duplicateRows: number[] = [];
      if (fresh === 'all') for (let i = 0; i < ids.length; i++) keep.push(i);
      else {
        for (let i = 0; i < ids.length; i++) {
          if (fresh.delete(ids[i])) keep.push(i);
          else {
            duplicates.push(ids[i]);
            duplicateRows.push(i);
          }
        }
      }
      if (keep.length > 0) {
        const set = keep.length === ids.length ? batch.columns : takeColumnSet(batch.columns, keep);
        const parts = splitByDay(set);
        const values: unknown[] = [];
        const tuples = parts.map((p, k) => {
          values.push(batch.model_id, batch.schema_version, p.day, p.minTs, p.maxTs, p.columns.rows, now, encodeColumns(p.columns));
          const o = k * 8;
          return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8})`;
        });
        // the blocks, and whether the model has outcomes waiting for their predictions, in one round trip
        const written = await client.query<{ orphans: boolean }>(
          `WITH b AS (INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data) VALUES ${tuples.join(', ')} RETURNING 1)
           SELECT (SELECT count(*) FROM b) AS blocks, EXISTS (SELECT 1 FROM outcomes WHERE model_id = $1 AND prediction_ts IS NULL) AS orphans`,
          values,
        );
        if (written.rows[0].orphans) {
          await client.query(
            `UPDATE outcomes o SET prediction_ts = k.ts, pred_label = k.pred_label, pred_score = k.pred_score, pred_value = k.pred_value
             FROM prediction_keys k
             WHERE o.model_id = $1 AND o.prediction_ts IS NULL AND k.model_id = o.model_id AND k.prediction_id = o.prediction_id
               AND o.prediction_id = ANY($2::text[])`,
            [batch.model_id, keep.map((i) => ids[i])],
          );
        }
      }
      results.push({ inserted: keep.length, duplicates, duplicateRows });
    }
    if (begun) await client.query('COMMIT');
    return results;
  } catch (e) {
    if (begun) await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
