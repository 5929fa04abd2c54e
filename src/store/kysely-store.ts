import { type Kysely, Migrator, sql, type Transaction } from 'kysely';
import type { Model, ModelSchema } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import { DAY_MS, dayOf, dayString } from '../domain/time.js';
import { type AlertingStore, KyselyAlertingStore } from './alerting-store.js';
import { type ClusterStore, KyselyClusterStore } from './cluster-store.js';
import { decodeColumns } from './blocks/codec.js';
import type { CompactionOptions, CompactionResult } from './blocks/compaction.js';
import { COL } from './blocks/columns.js';
import { type DeliveryStore, KyselyDeliveryStore } from './delivery-store.js';
import { KyselyLifecycleStore, type LifecycleStore } from './lifecycle-store.js';
import { KyselyOverviewStore, type OverviewStore } from './overview-store.js';
import { filterByTime, idColumn, rowToRecord, tsColumn } from './blocks/prediction-rows.js';
import type { DB } from './db-types.js';
import { type BaselineRow, type MonitoringRecordRow, type OutcomeSummary, type RecordQuery, type RecordStatus, monitoringQueries as mq } from './monitoring-store.js';
import type { DialectTypes } from './migrations/dialect-types.js';
import { type OutcomeColumns, outcomeColumns } from './outcome-queries.js';
import { summarizeOutcomes } from './outcome-rollups.js';
import { MIGRATION_NAMES, migrationProvider } from './migrations/index.js';
import type {
  ApiKeyRecord,
  JobRunRecord,
  ModelChange,
  OutcomeRecord,
  Page,
  PageRequest,
  PredictionBatch,
  PredictionBlock,
  PredictionListQuery,
  PredictionRecord,
  PredictionScan,
  PredictionWriteResult,
  RetentionPlan,
  Store,
  StoreCapabilities,
  TimeRange,
} from './store.js';

export const encodeCursor = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'cursor: not a cursor this server issued', { problems: [{ field: 'cursor', problem: 'invalid' }] });
}
const isStr = (v: unknown): v is string => typeof v === 'string';
const isTsId = (v: unknown): v is [number, string] => Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string';

type Exec = Kysely<DB> | Transaction<DB>;

/** A stored prediction's key: its time and what it predicted. */
export interface PredictionKey {
  ts: number;
  pred_label: string | null;
  pred_score: number | null;
  pred_value: number | null;
}

const ID_ONLY: ReadonlySet<string> = new Set([COL.predictionId]);
/** thrown inside a read when a block it listed is gone (see retryVanished) */
const VANISHED = new Error('a listed prediction block vanished');

/** A window scan reads blobs in chunks of at most this many rows (or blocks). */
const SCAN_CHUNK_ROWS = 10_000;
const SCAN_CHUNK_BLOCKS = 64;

/** Block metadata as stored next to the blob. */
export interface BlockRow {
  id: number;
  schema_version: number;
  min_ts: number;
  max_ts: number;
  row_count: number;
}

/**
 * Everything both backends share, written once with Kysely. Backends supply the hot paths
 * (writing blocks and keys, reading blobs) and the connection specifics.
 */
export abstract class KyselyStore implements Store {
  abstract readonly backend: 'sqlite' | 'postgres';
  abstract readonly capabilities: StoreCapabilities;
  protected abstract readonly types: DialectTypes;
  private readonly schemaCache = new Map<string, ModelSchema>();
  private alertingStore?: AlertingStore;
  private outboxStore?: DeliveryStore;
  private lifecycleStore?: LifecycleStore;
  private overviewStore?: OverviewStore;
  private clusterStore?: ClusterStore;

  constructor(protected readonly db: Exec) {}

  /** Bound to this executor: inside `transaction`, the transaction's. */
  get alerting(): AlertingStore {
    return (this.alertingStore ??= new KyselyAlertingStore(this.db, this.backend));
  }

  /** The delivery outbox, bound to this executor like `alerting`. */
  get outbox(): DeliveryStore {
    return (this.outboxStore ??= new KyselyDeliveryStore(this.db, this.capabilities));
  }

  /** The registry, triggers, evidence and holds, bound to this executor like `alerting`. */
  get lifecycle(): LifecycleStore {
    return (this.lifecycleStore ??= new KyselyLifecycleStore(this.db, this.backend));
  }

  /** The overview's batched reads, bound to this executor like `alerting`. */
  get overview(): OverviewStore {
    return (this.overviewStore ??= new KyselyOverviewStore(this.db));
  }

  /** Tick leases, the store's clock and named locks, bound to this executor like `alerting`. */
  get cluster(): ClusterStore {
    return (this.clusterStore ??= new KyselyClusterStore(this.db, this.backend));
  }

  protected abstract withExecutor(db: Exec): KyselyStore;
  abstract writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]>;
  abstract compactPredictionBlocks(options?: Partial<CompactionOptions>): Promise<CompactionResult>;
  /** Blob of each block id (in the order given). */
  protected abstract readBlockData(ids: number[]): Promise<Map<number, Uint8Array>>;
  abstract close(): Promise<void>;

  protected root(): Kysely<DB> {
    return this.db as Kysely<DB>;
  }

  /**
   * Schema that holds Kysely's migration tables. PostgreSQL must name it: without one, Kysely
   * takes a migration table in any schema of the database as its own.
   */
  protected migrationTableSchema(): string | undefined {
    return undefined;
  }

  private migrator(): Migrator {
    return new Migrator({
      db: this.root() as unknown as Kysely<unknown>,
      provider: migrationProvider(this.types),
      migrationTableSchema: this.migrationTableSchema(),
    });
  }

  async migrate(): Promise<void> {
    const { error, results } = await this.migrator().migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async migrationStatus(): Promise<{ applied: string[]; pending: string[] }> {
    const all = await this.migrator().getMigrations();
    const applied = all.filter((m) => m.executedAt).map((m) => m.name);
    return { applied, pending: MIGRATION_NAMES.filter((n) => !applied.includes(n)) };
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.root()
      .transaction()
      .execute((trx) => fn(this.withExecutor(trx)));
  }

  // ── models ────────────────────────────────────────────────────────────────────────────
  private toModel(row: DB['models'], schema: ModelSchema): Model {
    return {
      model_id: row.model_id,
      name: row.name,
      description: row.description,
      schema_version: row.schema_version,
      schema,
      settings: JSON.parse(row.settings) as Model['settings'],
      created_at: Number(row.created_at),
      updated_at: Number(row.updated_at),
    };
  }

  async createModel(model: Model): Promise<void> {
    await this.transaction(async (tx) => {
      const self = tx as KyselyStore;
      const exists = await self.db.selectFrom('models').select('model_id').where('model_id', '=', model.model_id).executeTakeFirst();
      if (exists) throw new AppError('conflict', `model "${model.model_id}" already exists`);
      await self.db
        .insertInto('models')
        .values({
          model_id: model.model_id,
          name: model.name,
          description: model.description,
          schema_version: 1,
          settings: JSON.stringify(model.settings),
          created_at: model.created_at,
          updated_at: model.updated_at,
        })
        .execute();
      await self.db
        .insertInto('model_schemas')
        .values({ model_id: model.model_id, version: 1, schema: JSON.stringify(model.schema), created_at: model.created_at })
        .execute();
    });
  }

  async getModel(modelId: string): Promise<Model | null> {
    const row = await this.modelRow(modelId);
    if (!row) return null;
    const schema = await this.getModelSchema(modelId, row.schema_version);
    return this.toModel(row, schema!);
  }

  /** The models row of an id (every ingest request reads it: backends may make it cheaper). */
  protected async modelRow(modelId: string): Promise<DB['models'] | undefined> {
    return this.db.selectFrom('models').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  }

  async listModels(page: PageRequest): Promise<Page<Model>> {
    const after = decodeCursor(page.cursor, isStr);
    let q = this.db.selectFrom('models').selectAll().orderBy('model_id').limit(page.limit + 1);
    if (after !== undefined) q = q.where('model_id', '>', after);
    const rows = await q.execute();
    const items: Model[] = [];
    for (const row of rows.slice(0, page.limit)) items.push(this.toModel(row, (await this.getModelSchema(row.model_id, row.schema_version))!));
    return rows.length > page.limit ? { items, next_cursor: encodeCursor(items[items.length - 1].model_id) } : { items };
  }

  async updateModel(modelId: string, change: ModelChange, now: number): Promise<Model> {
    return this.transaction(async (tx) => {
      const self = tx as KyselyStore;
      const current = await self.getModel(modelId);
      if (!current) throw new AppError('model_not_found', `no model "${modelId}"`);
      let version = current.schema_version;
      if (change.schema && JSON.stringify(change.schema) !== JSON.stringify(current.schema)) {
        version += 1;
        await self.db
          .insertInto('model_schemas')
          .values({ model_id: modelId, version, schema: JSON.stringify(change.schema), created_at: now })
          .execute();
      }
      await self.db
        .updateTable('models')
        .set({
          name: change.name ?? current.name,
          description: change.description ?? current.description,
          settings: JSON.stringify(change.settings ?? current.settings),
          schema_version: version,
          updated_at: now,
        })
        .where('model_id', '=', modelId)
        .execute();
      return (await self.getModel(modelId))!;
    });
  }

  async getModelSchema(modelId: string, version: number): Promise<ModelSchema | null> {
    const key = `${modelId}\u0000${version}`;
    const hit = this.schemaCache.get(key);
    if (hit) return hit;
    const row = await this.db
      .selectFrom('model_schemas')
      .select('schema')
      .where('model_id', '=', modelId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) return null;
    const schema = JSON.parse(row.schema) as ModelSchema;
    // schema versions are immutable, so caching is safe (a deleted model's entries are never asked for again)
    if (!this.db.isTransaction) this.schemaCache.set(key, schema);
    return schema;
  }

  async listModelSchemas(modelId: string): Promise<{ version: number; schema: ModelSchema; created_at: number }[]> {
    const rows = await this.db.selectFrom('model_schemas').selectAll().where('model_id', '=', modelId).orderBy('version').execute();
    return rows.map((r) => ({ version: r.version, schema: JSON.parse(r.schema) as ModelSchema, created_at: Number(r.created_at) }));
  }

  // ── predictions ───────────────────────────────────────────────────────────────────────
  protected async blocksInRange(modelId: string, from: number, to: number): Promise<BlockRow[]> {
    if (!(to > from)) return [];
    const rows = await this.db
      .selectFrom('prediction_blocks')
      .select(['id', 'schema_version', 'min_ts', 'max_ts', 'row_count'])
      .where('model_id', '=', modelId)
      .where('day', '>=', dayOf(from))
      .where('day', '<=', dayOf(to - 1))
      .where('max_ts', '>=', from)
      .where('min_ts', '<', to)
      .orderBy('min_ts')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      schema_version: r.schema_version,
      min_ts: Number(r.min_ts),
      max_ts: Number(r.max_ts),
      row_count: r.row_count,
    }));
  }

  async *scanPredictions(query: PredictionScan): AsyncIterable<PredictionBlock> {
    yield* this.scanListed(query, await this.blocksInRange(query.model_id, query.from, query.to), (ids) => this.readBlockData(ids));
  }

  /** A scan over listed blocks, their blobs read through `read` (a backend may pass one bound to a snapshot). */
  protected async *scanListed(query: PredictionScan, blocks: BlockRow[], read: (ids: number[]) => Promise<Map<number, Uint8Array>>): AsyncIterable<PredictionBlock> {
    const only = query.columns ? new Set([...query.columns, COL.ts]) : undefined;
    // read blobs a few at a time (about SCAN_CHUNK_ROWS rows): bounded memory, few round trips
    for (let i = 0; i < blocks.length; ) {
      let end = i + 1;
      for (let rows = blocks[i].row_count; end < blocks.length && end - i < SCAN_CHUNK_BLOCKS && rows + blocks[end].row_count <= SCAN_CHUNK_ROWS; end++) rows += blocks[end].row_count;
      const part = blocks.slice(i, end);
      i = end;
      const data = await read(part.map((b) => b.id));
      for (const b of part) {
        const blob = data.get(b.id);
        if (!blob) continue; // deleted by retention between the two reads
        data.delete(b.id); // let it go as soon as the reader is done with the block
        const cols = decodeColumns(blob, only, query.views === true);
        const inRange = b.min_ts >= query.from && b.max_ts < query.to ? cols : filterByTime(cols, query.from, query.to);
        if (inRange.rows > 0) yield { schema_version: b.schema_version, columns: inRange };
      }
    }
  }

  /**
   * A read that lists blocks and then reads their blobs sees a block vanish when retention or a
   * compaction round deletes it in between (the compacted rows are in a block it did not
   * list): it starts again, a few times, then makes do with what is left.
   */
  private async retryVanished<T>(read: (strict: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read(attempt < 4);
      } catch (e) {
        if (e !== VANISHED) throw e;
      }
    }
  }

  listPredictions(query: PredictionListQuery): Promise<Page<PredictionRecord>> {
    return this.retryVanished((strict) => this.listPredictionsOnce(query, strict));
  }

  private async listPredictionsOnce(query: PredictionListQuery, strict: boolean): Promise<Page<PredictionRecord>> {
    const after = decodeCursor(query.cursor, isTsId);
    const from = Math.max(query.from ?? 0, after ? after[0] : 0);
    const to = query.to ?? 8.64e15;
    const blocks = await this.blocksInRange(query.model_id, from, to);
    type Cand = { ts: number; id: string; block: BlockRow; row: number; set: ReturnType<typeof decodeColumns> };
    let cands: Cand[] = [];
    const want = query.limit + 1;
    const cmp = (a: Cand, b: Cand) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    for (const b of blocks) {
      if (cands.length >= want && b.min_ts > cands[want - 1].ts) break;
      const data = await this.readBlockData([b.id]);
      const blob = data.get(b.id);
      if (!blob) {
        if (strict) throw VANISHED;
        continue;
      }
      const set = decodeColumns(blob);
      const ts = tsColumn(set);
      const ids = idColumn(set);
      for (let r = 0; r < set.rows; r++) {
        const t = ts[r];
        if (t < from || t >= to) continue;
        const id = ids[r] ?? '';
        if (after && (t < after[0] || (t === after[0] && id <= after[1]))) continue;
        cands.push({ ts: t, id, block: b, row: r, set });
      }
      cands.sort(cmp);
      if (cands.length > want) cands = cands.slice(0, want);
    }
    const page = cands.slice(0, query.limit);
    const items: PredictionRecord[] = [];
    for (const c of page) {
      const schema = await this.getModelSchema(query.model_id, c.block.schema_version);
      items.push(rowToRecord(c.set, c.row, query.model_id, c.block.schema_version, schema!));
    }
    return cands.length > query.limit ? { items, next_cursor: encodeCursor([page[page.length - 1].ts, page[page.length - 1].id]) } : { items };
  }

  getPrediction(modelId: string, predictionId: string): Promise<PredictionRecord | null> {
    return this.retryVanished((strict) => this.getPredictionOnce(modelId, predictionId, strict));
  }

  private async getPredictionOnce(modelId: string, predictionId: string, strict: boolean): Promise<PredictionRecord | null> {
    const key = (await this.predictionKeys(modelId, [predictionId])).get(predictionId);
    if (!key) return null;
    const ts = key.ts;
    for (const b of await this.blocksInRange(modelId, ts, ts + 1)) {
      const blob = (await this.readBlockData([b.id])).get(b.id);
      if (!blob) {
        if (strict) throw VANISHED;
        continue;
      }
      const set = decodeColumns(blob);
      const ids = idColumn(set);
      const row = ids.indexOf(predictionId);
      if (row >= 0) return rowToRecord(set, row, modelId, b.schema_version, (await this.getModelSchema(modelId, b.schema_version))!);
    }
    return null;
  }

  /**
   * The stored keys among `ids` of a model: time and what was predicted. Backends whose keys
   * can live outside prediction_keys (SQLite's pending keys) extend this.
   */
  protected async predictionKeys(modelId: string, ids: readonly string[]): Promise<Map<string, PredictionKey>> {
    const out = new Map<string, PredictionKey>();
    for (let i = 0; i < ids.length; i += 400) {
      const rows = await this.db
        .selectFrom('prediction_keys')
        .select(['prediction_id', 'ts', 'pred_label', 'pred_score', 'pred_value'])
        .where('model_id', '=', modelId)
        .where('prediction_id', 'in', ids.slice(i, i + 400))
        .execute();
      for (const r of rows) {
        out.set(r.prediction_id, {
          ts: Number(r.ts),
          pred_label: r.pred_label,
          pred_score: r.pred_score === null ? null : Number(r.pred_score),
          pred_value: r.pred_value === null ? null : Number(r.pred_value),
        });
      }
    }
    return out;
  }

  countPredictionsByDay(modelId: string, from: number, to: number): Promise<{ day: string; count: number }[]> {
    return this.retryVanished((strict) => this.countPredictionsByDayOnce(modelId, from, to, strict));
  }

  private async countPredictionsByDayOnce(modelId: string, from: number, to: number, strict: boolean): Promise<{ day: string; count: number }[]> {
    const counts = new Map<number, number>();
    for (const b of await this.blocksInRange(modelId, from, to)) {
      const day = dayOf(b.min_ts);
      let n = b.row_count;
      if (b.min_ts < from || b.max_ts >= to) {
        const blob = (await this.readBlockData([b.id])).get(b.id);
        if (!blob) {
          if (strict) throw VANISHED;
          continue;
        }
        n = filterByTime(decodeColumns(blob, new Set([COL.ts])), from, to).rows;
      }
      counts.set(day, (counts.get(day) ?? 0) + n);
    }
    return [...counts].sort((a, b) => a[0] - b[0]).filter(([, c]) => c > 0).map(([day, count]) => ({ day: dayString(day), count }));
  }

  async countPredictions(modelId: string, from: number, to: number): Promise<number> {
    return (await this.countPredictionsByDay(modelId, from, to)).reduce((s, d) => s + d.count, 0);
  }

  // ── outcomes ──────────────────────────────────────────────────────────────────────────
  async writeOutcomes(rows: OutcomeRecord[]): Promise<{ written: number; linked: number }> {
    if (rows.length === 0) return { written: 0, linked: 0 };
    return this.transaction(async (tx) => {
      const self = tx as KyselyStore;
      let linked = 0;
      const byModel = new Map<string, OutcomeRecord[]>();
      for (const r of rows) {
        const list = byModel.get(r.model_id);
        if (list) list.push(r);
        else byModel.set(r.model_id, [r]);
      }
      for (const [modelId, list] of byModel) {
        for (let i = 0; i < list.length; i += 400) {
          const part = list.slice(i, i + 400);
          const byId = await self.predictionKeys(
            modelId,
            part.map((r) => r.prediction_id),
          );
          const values = part.map((r) => {
            const k = byId.get(r.prediction_id);
            const pts = k ? Number(k.ts) : null;
            if (pts !== null) linked++;
            return {
              model_id: r.model_id,
              prediction_id: r.prediction_id,
              label: r.label,
              value: r.value,
              ts: r.timestamp,
              received_at: r.received_at,
              prediction_ts: pts,
              pred_label: k?.pred_label ?? null,
              pred_score: k?.pred_score ?? null,
              pred_value: k?.pred_value ?? null,
            };
          });
          await self.db
            .insertInto('outcomes')
            .values(values)
            .onConflict((oc) =>
              oc.columns(['model_id', 'prediction_id']).doUpdateSet((eb) => ({
                label: eb.ref('excluded.label'),
                value: eb.ref('excluded.value'),
                ts: eb.ref('excluded.ts'),
                received_at: eb.ref('excluded.received_at'),
                prediction_ts: eb.ref('excluded.prediction_ts'),
                pred_label: eb.ref('excluded.pred_label'),
                pred_score: eb.ref('excluded.pred_score'),
                pred_value: eb.ref('excluded.pred_value'),
              })),
            )
            .execute();
        }
      }
      return { written: rows.length, linked };
    });
  }

  private toOutcome(r: DB['outcomes']): OutcomeRecord {
    return {
      model_id: r.model_id,
      prediction_id: r.prediction_id,
      label: r.label,
      value: r.value === null ? null : Number(r.value),
      timestamp: Number(r.ts),
      received_at: Number(r.received_at),
      prediction_ts: r.prediction_ts === null ? null : Number(r.prediction_ts),
      pred_label: r.pred_label,
      pred_score: r.pred_score === null ? null : Number(r.pred_score),
      pred_value: r.pred_value === null ? null : Number(r.pred_value),
    };
  }

  scanOutcomeColumns(modelId: string, from: number, to: number, actual: 'label' | 'value'): Promise<OutcomeColumns> {
    return outcomeColumns(this.db, modelId, from, to, actual, this.backend);
  }

  async scanOutcomes(modelId: string, from: number, to: number): Promise<OutcomeRecord[]> {
    const rows = await this.db
      .selectFrom('outcomes')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('prediction_ts', '>=', from)
      .where('prediction_ts', '<', to)
      .execute();
    return rows.map((r) => this.toOutcome(r));
  }

  async getOutcome(modelId: string, predictionId: string): Promise<OutcomeRecord | null> {
    const r = await this.db.selectFrom('outcomes').selectAll().where('model_id', '=', modelId).where('prediction_id', '=', predictionId).executeTakeFirst();
    return r ? this.toOutcome(r) : null;
  }

  /** Link outcomes that arrived before their predictions (called inside the write transaction). */
  protected async hasOrphanOutcomes(modelId: string): Promise<boolean> {
    const r = await this.db.selectFrom('outcomes').select('prediction_id').where('model_id', '=', modelId).where('prediction_ts', 'is', null).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  // ── retention ─────────────────────────────────────────────────────────────────────────
  async deletePredictionsBefore(modelId: string, before: number, limit: number, keep: readonly TimeRange[] = []): Promise<{ deleted: number; done: boolean }> {
    const cutoffDay = dayOf(before);
    const cutoffTs = cutoffDay * DAY_MS;
    // held periods as whole UTC days (blocks hold one day each): [first, last] day numbers
    const keptDays = keep.filter((k) => k.to > k.from && dayOf(k.from) < cutoffDay).map((k) => [dayOf(k.from), dayOf(k.to - 1)] as const);
    return this.transaction(async (tx) => {
      const self = tx as KyselyStore;
      let q = self.db
        .selectFrom('prediction_blocks')
        .select(['id', 'row_count'])
        .where('model_id', '=', modelId)
        .where('day', '<', cutoffDay);
      for (const [first, last] of keptDays) q = q.where((eb) => eb.or([eb('day', '<', first), eb('day', '>', last)]));
      const blocks = await q
        .orderBy('day')
        .limit(Math.max(1, Math.ceil(limit / 64)))
        .execute();
      const ids: number[] = [];
      let deleted = 0;
      for (const b of blocks) {
        if (deleted > 0 && deleted + b.row_count > limit) break;
        ids.push(Number(b.id));
        deleted += b.row_count;
      }
      // keys go with their blocks: the ids inside each deleted block name them
      const data = await self.readBlockData(ids);
      const predictionIds: string[] = [];
      for (const blob of data.values()) for (const id of idColumn(decodeColumns(blob, ID_ONLY))) if (id !== null) predictionIds.push(id);
      if (ids.length) await self.db.deleteFrom('prediction_blocks').where('id', 'in', ids).execute();
      for (let i = 0; i < predictionIds.length; i += 500) {
        await self.db
          .deleteFrom('prediction_keys')
          .where('model_id', '=', modelId)
          .where('prediction_id', 'in', predictionIds.slice(i, i + 500))
          .execute();
      }
      let outcomes = self.db.deleteFrom('outcomes').where('model_id', '=', modelId).where('prediction_ts', '<', cutoffTs);
      for (const [first, last] of keptDays) outcomes = outcomes.where((eb) => eb.or([eb('prediction_ts', '<', first * DAY_MS), eb('prediction_ts', '>=', (last + 1) * DAY_MS)]));
      await outcomes.execute();
      return { deleted, done: ids.length === 0 };
    });
  }

  /** Backends without time partitions have nothing to drop (PostgreSQL overrides). */
  async dropExpiredPartitions(_plans: readonly RetentionPlan[]): Promise<{ partitions: string[]; deleted: Record<string, number> }> {
    return { partitions: [], deleted: {} };
  }

  // ── API keys ──────────────────────────────────────────────────────────────────────────
  private toKey(r: DB['api_keys']): ApiKeyRecord {
    return {
      id: r.id,
      name: r.name,
      scopes: JSON.parse(r.scopes) as ApiKeyRecord['scopes'],
      hash: r.hash,
      created_at: Number(r.created_at),
      revoked_at: r.revoked_at === null ? null : Number(r.revoked_at),
      last_used_at: r.last_used_at === null ? null : Number(r.last_used_at),
    };
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values({ ...key, scopes: JSON.stringify(key.scopes) }).execute();
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? this.toKey(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('created_at').execute()).map((r) => this.toKey(r));
  }

  async revokeApiKey(id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async countActiveApiKeys(): Promise<number> {
    const r = await this.db.selectFrom('api_keys').select((eb) => eb.fn.countAll().as('n')).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  // ── jobs ──────────────────────────────────────────────────────────────────────────────
  async recordJobRun(run: JobRunRecord): Promise<void> {
    const row = { ...run, details: JSON.stringify(run.details) };
    await this.db
      .insertInto('job_runs')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ status: row.status, finished_at: row.finished_at, details: row.details, error: row.error }),
      )
      .execute();
  }

  async listJobRuns(query: { job?: string; model_id?: string; status?: string } & PageRequest): Promise<Page<JobRunRecord>> {
    const after = decodeCursor(query.cursor, isStr);
    let q = this.db.selectFrom('job_runs').selectAll().orderBy('id', 'desc').limit(query.limit + 1);
    if (query.job) q = q.where('job', '=', query.job);
    if (query.model_id) q = q.where('model_id', '=', query.model_id);
    if (query.status) q = q.where('status', '=', query.status);
    if (after) q = q.where('id', '<', after);
    const rows = await q.execute();
    const items = rows.slice(0, query.limit).map((r) => ({
      ...r,
      status: r.status as JobRunRecord['status'],
      started_at: Number(r.started_at),
      finished_at: r.finished_at === null ? null : Number(r.finished_at),
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
    return rows.length > query.limit ? { items, next_cursor: encodeCursor(items[items.length - 1].id) } : { items };
  }

  // ── baselines and monitoring records (monitoring-store.ts) ───────────────────────────
  createBaseline(row: BaselineRow & { data: Uint8Array }): Promise<void> {
    return this.transaction((tx) => mq.createBaseline((tx as KyselyStore).db, row));
  }
  getBaseline(snapshotId: string, withData = false): Promise<BaselineRow | null> {
    return mq.getBaseline(this.db, { snapshotId }, withData);
  }
  getActiveBaseline(modelId: string, withData = false): Promise<BaselineRow | null> {
    return mq.getBaseline(this.db, { activeOf: modelId }, withData);
  }
  listBaselines(modelId: string | undefined, page: PageRequest): Promise<Page<BaselineRow>> {
    return mq.listBaselines(this.db, modelId, page);
  }
  activateBaseline(snapshotId: string, now: number): Promise<BaselineRow | null> {
    return this.transaction((tx) => mq.activateBaseline((tx as KyselyStore).db, snapshotId, now));
  }
  summarizeOutcomes(modelId: string, from: number, to: number): Promise<OutcomeSummary> {
    return summarizeOutcomes(this.db, modelId, from, to, this.backend);
  }
  insertRecord(row: MonitoringRecordRow): Promise<void> {
    return mq.insertRecord(this.db, row);
  }
  getRecord(recordId: string): Promise<MonitoringRecordRow | null> {
    return mq.getRecord(this.db, recordId);
  }
  listRecords(query: RecordQuery): Promise<Page<MonitoringRecordRow>> {
    return mq.listRecords(this.db, query);
  }
  latestRecords(status?: RecordStatus): Promise<MonitoringRecordRow[]> {
    return mq.latestRecords(this.db, status);
  }
}
