import type { DB } from '../db-types.js';

/** How long a models row read outside a transaction is reused (ms). */
export const MODEL_ROW_TTL_MS = 1000;

/**
 * The models rows an instance read lately. Every ingest request reads its model's row; on
 * PostgreSQL that was a round trip per request (at 2,000 single predictions/s, 2,000 queries/s
 * competing with the commits for the pool). A row is reused for MODEL_ROW_TTL_MS and dropped
 * at once when this instance changes the model; a change made by another instance is seen
 * within that time (rows written meanwhile carry the schema version they were validated with).
 */
export class ModelRowCache {
  private readonly rows = new Map<string, { row: DB['models']; at: number }>();

  get(modelId: string, now = Date.now()): DB['models'] | undefined {
    const hit = this.rows.get(modelId);
    if (!hit) return undefined;
    if (now - hit.at < MODEL_ROW_TTL_MS) return hit.row;
    this.rows.delete(modelId);
    return undefined;
  }

  set(row: DB['models'], now = Date.now()): void {
    if (this.rows.size > 10_000) this.rows.clear();
    this.rows.set(row.model_id, { row, at: now });
  }

  forget(modelId: string): void {
    this.rows.delete(modelId);
  }
}
