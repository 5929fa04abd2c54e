import type pg from 'pg';
import { type CompactionOptions, type CompactionResult, SMALL_BLOCK_LIMIT, type SmallBlock, mergeBlocks, planRound } from '../blocks/compaction.js';

/** (model, schema version, day) groups a round looks at */
const GROUPS_PER_ROUND = 64;
/** small blocks of one group a round locks at most */
const LOCK_BLOCKS = 5_000;

/**
 * One compaction round on PostgreSQL (see blocks/compaction.ts), on a client of the pool.
 * Several instances may run rounds at once: the groups are found without locks, then the
 * round locks each group's small blocks with FOR UPDATE SKIP LOCKED — a block another round
 * (or a retention delete) holds is left out, and one that round deleted meanwhile is no longer
 * there — so each block is rewritten by one round only, nothing waits on another instance, and
 * a round whose first groups are taken goes on to the next ones. Inserting the new blocks and deleting the locked originals commit together. Keys
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
    const found = await client.query<{ model_id: string; schema_version: number; day: number; n: number }>(
      `SELECT model_id, schema_version, day, count(*) AS n FROM prediction_blocks
       WHERE row_count < ${SMALL_BLOCK_LIMIT} AND row_count < $1 ${model}
       GROUP BY model_id, schema_version, day HAVING count(*) > 1
       ORDER BY model_id, schema_version, day LIMIT ${GROUPS_PER_ROUND + 1}`,
      params,
    );
    const result: CompactionResult = { groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: found.rows.length <= GROUPS_PER_ROUND };
    const keys = found.rows.slice(0, GROUPS_PER_ROUND);
    if (keys.length === 0) return result;
    await client.query('BEGIN');
    begun = true;
    const now = Date.now();
    for (const g of keys) {
      if (result.rows >= o.roundRows || result.blocksIn >= o.roundBlocks - 1) {
        result.done = false;
        break;
      }
      // the group's small blocks no other round holds (nor deleted since the count above)
      const locked = await client.query<SmallBlock>(
        `SELECT id, model_id, schema_version, day, row_count FROM prediction_blocks
         WHERE model_id = $1 AND schema_version = $2 AND day = $3 AND row_count < ${SMALL_BLOCK_LIMIT} AND row_count < $4
         ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED`,
        [g.model_id, g.schema_version, g.day, o.minRows, Math.min(LOCK_BLOCKS, o.roundBlocks - result.blocksIn)],
      );
      const { groups } = planRound(
        locked.rows.map((r) => ({ ...r, id: Number(r.id) })),
        o.roundRows - result.rows,
        o.roundBlocks - result.blocksIn,
      );
      const take = groups[0]?.blocks.map((b) => b.id) ?? [];
      if (take.length < Number(g.n)) result.done = false;
      if (take.length < 2) continue;
      const data = await client.query<{ id: number; data: Buffer }>('SELECT id, data FROM prediction_blocks WHERE id = ANY($1::bigint[]) AND day = $2', [take, g.day]);
      const blobs = new Map(data.rows.map((r) => [Number(r.id), r.data]));
      const merged = mergeBlocks(take.map((id) => blobs.get(id)!), o.maxRowsPerBlock);
      if (!merged) continue;
      const values: unknown[] = [];
      const tuples = merged.map((m, k) => {
        values.push(g.model_id, g.schema_version, g.day, m.minTs, m.maxTs, m.rows, now, m.data);
        const at = k * 8;
        return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 8})`;
      });
      await client.query(`INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data) VALUES ${tuples.join(', ')}`, values);
      await client.query('DELETE FROM prediction_blocks WHERE id = ANY($1::bigint[]) AND day = $2', [take, g.day]);
      result.groups++;
      result.blocksIn += take.length;
      result.blocksOut += merged.length;
      result.rows += merged.reduce((s, m) => s + m.rows, 0);
    }
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
