import type pg from 'pg';
import { type CompactionOptions, type CompactionResult, SMALL_BLOCK_LIMIT, type SmallBlock, mergeBlocks, planRound } from '../blocks/compaction.js';

/** (model, schema version, day) groups a round looks at */
const GROUPS_PER_ROUND = 64;

/**
 * One compaction round on PostgreSQL (see blocks/compaction.ts), on a client of the pool.
 * Several instances may run rounds at once: the groups are found without locks, then the
 * round locks the blocks it will rewrite with FOR UPDATE SKIP LOCKED — a block another round
 * (or a retention delete) holds is left out, and one that round deleted meanwhile is no longer
 * there — so each block is rewritten by one round only, and nothing waits on another
 * instance. Inserting the new blocks and deleting the locked originals commit together. Keys
 * are in prediction_keys already (PostgreSQL writes them with their blocks) and name no block,
 * so they and the outcomes linked through them stay as they are. All blocks of a day are in
 * the same month partition.
 */
export async function compactRoundPg(pool: pg.Pool, o: CompactionOptions): Promise<CompactionResult> {
  const client = await pool.connect();
  let begun = false;
  try {
    const model = o.modelId === undefined ? '' : 'AND model_id = $2';
    const params: unknown[] = o.modelId === undefined ? [o.minRows] : [o.minRows, o.modelId];
    // served by the partial index prediction_blocks_small (migration 0009)
    const found = await client.query<{ model_id: string; schema_version: number; day: number }>(
      `SELECT model_id, schema_version, day FROM prediction_blocks
       WHERE row_count < ${SMALL_BLOCK_LIMIT} AND row_count < $1 ${model}
       GROUP BY model_id, schema_version, day HAVING count(*) > 1
       ORDER BY model_id, schema_version, day LIMIT ${GROUPS_PER_ROUND + 1}`,
      params,
    );
    const more = found.rows.length > GROUPS_PER_ROUND;
    const keys = found.rows.slice(0, GROUPS_PER_ROUND);
    if (keys.length === 0) return { groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: true };
    const listed = await client.query<SmallBlock>(
      `SELECT b.id, b.model_id, b.schema_version, b.day, b.row_count
       FROM prediction_blocks b JOIN unnest($2::text[], $3::int[], $4::int[]) AS g(m, v, d) ON b.model_id = g.m AND b.schema_version = g.v AND b.day = g.d
       WHERE b.row_count < ${SMALL_BLOCK_LIMIT} AND b.row_count < $1
       ORDER BY b.model_id, b.schema_version, b.day, b.id`,
      [o.minRows, keys.map((k) => k.model_id), keys.map((k) => k.schema_version), keys.map((k) => k.day)],
    );
    const { groups, complete } = planRound(
      listed.rows.map((r) => ({ ...r, id: Number(r.id) })),
      o.roundRows,
    );
    const result: CompactionResult = { groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: complete && !more };
    const ids = groups.flatMap((g) => g.blocks.map((b) => b.id));
    const days = [...new Set(groups.map((g) => g.day))];
    await client.query('BEGIN');
    begun = true;
    const locked = await client.query<{ id: number; data: Buffer }>(
      'SELECT id, data FROM prediction_blocks WHERE id = ANY($1::bigint[]) AND day = ANY($2::int[]) FOR UPDATE SKIP LOCKED',
      [ids, days],
    );
    const blobs = new Map(locked.rows.map((r) => [Number(r.id), r.data]));
    const now = Date.now();
    const gone: number[] = [];
    const goneDays = new Set<number>();
    for (const g of groups) {
      const mine = g.blocks.filter((b) => blobs.has(b.id)).map((b) => b.id);
      // another instance holds the others: with fewer than two there is nothing to merge here
      if (mine.length < 2) {
        if (mine.length < g.blocks.length) result.done = false;
        continue;
      }
      if (mine.length < g.blocks.length) result.done = false;
      const merged = mergeBlocks(mine.map((id) => blobs.get(id)!), o.maxRowsPerBlock);
      if (!merged) continue;
      const values: unknown[] = [];
      const tuples = merged.map((m, k) => {
        values.push(g.model_id, g.schema_version, g.day, m.minTs, m.maxTs, m.rows, now, m.data);
        const at = k * 8;
        return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 8})`;
      });
      await client.query(`INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data) VALUES ${tuples.join(', ')}`, values);
      gone.push(...mine);
      goneDays.add(g.day);
      result.groups++;
      result.blocksIn += mine.length;
      result.blocksOut += merged.length;
      result.rows += merged.reduce((s, m) => s + m.rows, 0);
    }
    if (gone.length) await client.query('DELETE FROM prediction_blocks WHERE id = ANY($1::bigint[]) AND day = ANY($2::int[])', [gone, [...goneDays]]);
    await client.query('COMMIT');
    begun = false;
    return result;
  } catch (e) {
    if (begun) await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
