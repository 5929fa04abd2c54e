import type { Model, ModelSchema, ModelSettings } from '../domain/model-schema.js';
import type { AlertingStore } from './alerting-store.js';
import type { ClusterStore } from './cluster-store.js';
import type { ColumnSet } from './blocks/columns.js';
import type { CompactionOptions, CompactionResult } from './blocks/compaction.js';
import type { DeliveryStore } from './delivery-store.js';
import type { LifecycleStore } from './lifecycle-store.js';
import type { OverviewStore } from './overview-store.js';
import type { MonitoringStore } from './monitoring-store.js';
import type { OutcomeColumns } from './outcome-queries.js';

/**
 * The one storage interface. Two backends implement it (embedded SQLite, PostgreSQL); the
 * conformance suite in test/store runs every behaviour against both. Nothing outside src/store
 * writes SQL. Times are epoch milliseconds (UTC).
 */
export interface Store extends MonitoringStore {
  readonly backend: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** Rules, incidents, alerts, silences, the delivery outbox, decisions, audit (alerting-store.ts). */
  readonly alerting: AlertingStore;
  /** The delivery outbox as the delivery worker drains it: claims with leases, results (delivery-store.ts). */
  readonly outbox: DeliveryStore;
  /** The model registry, retraining triggers, evidence bundles, legal holds, imported history (lifecycle-store.ts). */
  readonly lifecycle: LifecycleStore;
  /** The dashboard overview's reads for a page of models, one statement per kind (overview-store.ts). */
  readonly overview: OverviewStore;
  /** Several instances on one store: tick leases of scheduled jobs, the store's clock, named locks (cluster-store.ts). */
  readonly cluster: ClusterStore;

  /** Bring the schema up to date (idempotent; safe when several instances start together). */
  migrate(): Promise<void>;
  /** Applied and pending migrations. */
  migrationStatus(): Promise<{ applied: string[]; pending: string[] }>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Run `fn` in one transaction; everything it does through `tx` commits or rolls back together. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  // ── models ────────────────────────────────────────────────────────────────────────────
  /** Insert a model with schema version 1. Throws AppError('conflict') when the id exists. */
  createModel(model: Model): Promise<void>;
  getModel(modelId: string): Promise<Model | null>;
  listModels(page: PageRequest): Promise<Page<Model>>;
  /**
   * Change a model. A schema that differs from the current one becomes a new schema version;
   * rows already written keep the version they were written with. Returns the updated model.
   */
  updateModel(modelId: string, change: ModelChange, now: number): Promise<Model>;
  /** A schema version of a model (null when unknown). */
  getModelSchema(modelId: string, version: number): Promise<ModelSchema | null>;
  listModelSchemas(modelId: string): Promise<{ version: number; schema: ModelSchema; created_at: number }[]>;

  // ── predictions ───────────────────────────────────────────────────────────────────────
  /**
   * Write batches of predictions in one transaction (group commit): all batches commit together
   * or, on a database error, none does (every caller of the group gets the error; nothing is
   * half-written). The result says per batch which prediction ids already existed (those rows
   * are skipped: idempotency on (model_id, prediction_id)). When this resolves, the rows are
   * committed.
   */
  writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]>;
  /**
   * Stream the predictions of a model with `from <= ts < to`, block by block, only the columns
   * asked for (all when `columns` is absent). Rows outside the range are already removed.
   */
  scanPredictions(query: PredictionScan): AsyncIterable<PredictionBlock>;
  /** Predictions in (ts, prediction_id) order, cursor-paged. */
  listPredictions(query: PredictionListQuery): Promise<Page<PredictionRecord>>;
  getPrediction(modelId: string, predictionId: string): Promise<PredictionRecord | null>;
  /** Number of predictions per UTC day (YYYY-MM-DD) for `from <= ts < to`. */
  countPredictionsByDay(modelId: string, from: number, to: number): Promise<{ day: string; count: number }[]>;
  countPredictions(modelId: string, from: number, to: number): Promise<number>;

  // ── outcomes ──────────────────────────────────────────────────────────────────────────
  /**
   * Upsert outcomes (delayed ground truth) by (model_id, prediction_id); a later write for the
   * same prediction replaces the earlier one (a correction). Outcomes whose prediction has not
   * arrived yet are kept and joined when it does.
   */
  writeOutcomes(rows: OutcomeRecord[]): Promise<{ written: number; linked: number }>;
  /** Outcomes whose prediction's timestamp is in [from, to). */
  scanOutcomes(modelId: string, from: number, to: number): Promise<OutcomeRecord[]>;
  /** The same outcomes as columns with only what the analyzer joins: prediction id and time, and the actual label or value. */
  scanOutcomeColumns(modelId: string, from: number, to: number, actual: 'label' | 'value'): Promise<OutcomeColumns>;
  getOutcome(modelId: string, predictionId: string): Promise<OutcomeRecord | null>;

  // ── retention ─────────────────────────────────────────────────────────────────────────
  /**
   * Delete at most `limit` predictions-worth of storage of a model older than `before` (whole
   * UTC days strictly before the day of `before`), in one short transaction so ingestion is
   * never blocked for long. Call again until `done`. Days that overlap one of the `keep` periods
   * ([from, to), e.g. the analysis period of an incident on legal hold) keep their predictions
   * and the outcomes of those predictions.
   */
  deletePredictionsBefore(modelId: string, before: number, limit: number, keep?: readonly TimeRange[]): Promise<{ deleted: number; done: boolean }>;
  /**
   * Where predictions are partitioned by time (PostgreSQL: one partition per UTC month), detach
   * and drop every partition in which every block is past its model's cutoff (whole UTC days
   * before the day of `before`) and on no day of its model's `keep` periods; the keys of its
   * predictions go too. A model with blocks in a partition but no plan keeps the partition.
   * Backends without partitions do nothing; `deletePredictionsBefore` deletes the rest.
   */
  dropExpiredPartitions(plans: readonly RetentionPlan[]): Promise<{ partitions: string[]; deleted: Record<string, number> }>;

  // ── compaction ────────────────────────────────────────────────────────────────────────
  /**
   * One bounded round of compaction (blocks/compaction.ts): blocks under `minRows` rows of one
   * (model, schema version, UTC day), at most `roundRows` rows in all, are rewritten as blocks of
   * at most `maxRowsPerBlock` rows sorted by time, and the originals deleted, in one
   * transaction. Every row, column and key is kept (reads answer the same before and after).
   * Safe while writes go on and, on PostgreSQL, while other instances compact (each block is
   * compacted by one of them). Call again until `done`. Not inside `transaction`.
   */
  compactPredictionBlocks(options?: Partial<CompactionOptions>): Promise<CompactionResult>;
  // ── API keys ──────────────────────────────────────────────────────────────────────────
  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Returns false when no such active key exists. */
  revokeApiKey(id: string, now: number): Promise<boolean>;
  countActiveApiKeys(): Promise<number>;
  touchApiKey(id: string, now: number): Promise<void>;

  // ── jobs (retention and, later, analysis) ─────────────────────────────────────────────
  recordJobRun(run: JobRunRecord): Promise<void>;
  listJobRuns(query: { job?: string; model_id?: string; status?: string } & PageRequest): Promise<Page<JobRunRecord>>;
}

export interface StoreCapabilities {
  /** bulk load through COPY (PostgreSQL) */
  readonly copy: boolean;
  /** row claiming with FOR UPDATE SKIP LOCKED */
  readonly skipLocked: boolean;
  /** session/transaction advisory locks */
  readonly advisoryLocks: boolean;
  /** several processes may use the store at once */
  readonly multiInstance: boolean;
}

/** One model's retention: what `deletePredictionsBefore` would be called with. */
export interface RetentionPlan {
  model_id: string;
  before: number;
  keep: readonly TimeRange[];
}

/** A half-open period [from, to) in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** opaque; absent on the last page */
  next_cursor?: string;
}

export interface ModelChange {
  name?: string;
  description?: string;
  schema?: ModelSchema;
  settings?: ModelSettings;
}

/** Predictions of one model and schema version, column by column (see blocks/columns.ts COL). */
export interface PredictionBatch {
  model_id: string;
  schema_version: number;
  columns: ColumnSet;
}

export interface PredictionWriteResult {
  inserted: number;
  /** prediction ids that were already stored (rows skipped) */
  duplicates: string[];
  /** row numbers (in the batch) of those duplicates */
  duplicateRows: number[];
}

export interface PredictionScan {
  model_id: string;
  from: number;
  to: number;
  /** column names to decode (blocks/columns.ts COL); all when absent */
  columns?: ReadonlySet<string>;
  /**
   * numeric and code arrays may be views into the block's buffer instead of copies: cheaper for
   * a reader that copies each block away before asking for the next (they retain the blob)
   */
  views?: boolean;
}

export interface PredictionBlock {
  schema_version: number;
  columns: ColumnSet;
}

export interface PredictionListQuery extends PageRequest {
  model_id: string;
  from?: number;
  to?: number;
}

/** One prediction as read back through the API. */
export interface PredictionRecord {
  prediction_id: string;
  model_id: string;
  model_version: string | null;
  schema_version: number;
  timestamp: number;
  features: Record<string, number | string | boolean | null>;
  prediction: { label?: string; confidence?: number; probabilities?: Record<string, number>; value?: number };
  explanation?: Record<string, number>;
  metadata?: Record<string, unknown>;
}

export interface OutcomeRecord {
  model_id: string;
  prediction_id: string;
  /** actual class label (classification) */
  label: string | null;
  /** actual value (regression) */
  value: number | null;
  /** when the outcome was observed */
  timestamp: number;
  received_at: number;
  /** the prediction's timestamp once known */
  prediction_ts: number | null;
  /** what was predicted (label, positive-class score, value), once the prediction is known */
  pred_label?: string | null;
  pred_score?: number | null;
  pred_value?: number | null;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: ApiScope[];
  /** SHA-256 hex of the secret part */
  hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export type ApiScope = 'ingest' | 'read' | 'admin';

export interface JobRunRecord {
  id: string;
  job: string;
  model_id: string | null;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at: number;
  finished_at: number | null;
  /** job-specific figures (e.g. rows deleted) */
  details: Record<string, unknown>;
  error: string | null;
}
