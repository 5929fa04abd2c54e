import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import type { FieldProblem } from '../../src/errors/catalog.js';
import { PredictionBuilder } from '../../src/ingest/prediction-builder.js';
import type { Column, ColumnSet } from '../../src/store/blocks/columns.js';
import type { PredictionBatch, PredictionBlock, Store } from '../../src/store/store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { blockWriterScript } from './block-writer-script.js';
import { STORE_FACTORIES, type StoreFactory } from './store-fixtures.js';

/**
 * SQLite committing on its block writer thread, as the built server does (the plain sqlite
 * factory runs the TypeScript sources, where the store commits on the main connection).
 */
export const sqliteThreadFactory: StoreFactory & { label: string } = {
  name: 'sqlite',
  label: 'sqlite, block writer thread',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'dw-store-thread-'));
    const store = SqliteStore.open({ path: join(dir, 'test.db'), blockWriter: await blockWriterScript() });
    await store.migrate();
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Every store the conformance suite runs against. */
export const CONFORMANCE_FACTORIES: (StoreFactory & { label: string })[] = [...STORE_FACTORIES.map((f) => ({ ...f, label: f.name })), sqliteThreadFactory];

export const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * One store per suite (per backend): tests isolate themselves by model id, which keeps the
 * PostgreSQL runs fast (one schema and one migration per file, not per test).
 */
export function useStore(factory: StoreFactory): () => Store {
  let store: Store | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ store, cleanup } = await factory.create());
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return () => {
    if (!store) throw new Error('store not open');
    return store;
  };
}

let seq = 0;
/** A model id no other test in this process uses. */
export const freshId = (prefix = 'm'): string => `${prefix}-${process.pid}-${seq++}`;

/** A 3-class model with numeric, categorical and boolean features and explanations. */
export function makeModel(modelId: string, now = 1_000): Model {
  const schema = parseModelSchema({
    task: 'multiclass_classification',
    labels: ['a', 'b', 'c'],
    features: [
      { name: 'x', type: 'numeric' },
      { name: 'y', type: 'numeric', required: false },
      { name: 'city', type: 'categorical' },
      { name: 'member', type: 'boolean', required: false },
    ],
    explanation_features: ['x', 'city'],
  });
  return { model_id: modelId, name: `model ${modelId}`, description: '', schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS }, created_at: now, updated_at: now };
}

export interface RowSpec {
  id: string;
  ts: number;
  x?: number;
  city?: string;
  label?: string;
  metadata?: Record<string, unknown>;
}

/** The JSON a client would log for a row spec. */
export function predictionJson(r: RowSpec): Record<string, unknown> {
  const label = r.label ?? 'b';
  return {
    prediction_id: r.id,
    model_version: 'v1',
    timestamp: r.ts,
    features: { x: r.x ?? 1.5, y: null, city: r.city ?? 'paris', member: true },
    prediction: { label, probabilities: { a: label === 'a' ? 0.6 : 0.2, b: label === 'b' ? 0.6 : 0.2, c: label === 'c' ? 0.6 : 0.2 } },
    explanation: { x: 0.25, city: -0.5 },
    metadata: r.metadata ?? { user_id: `u-${r.id}`, latency_ms: 3 },
  };
}

/** Validate rows through the real builder into one batch (fails the test on a problem). */
export function batchOf(model: Model, rows: RowSpec[]): PredictionBatch {
  const b = new PredictionBuilder(model, rows.length, T0);
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) => b.add(predictionJson(r), i, problems));
  if (problems.length) throw new Error(`bad test rows: ${JSON.stringify(problems.slice(0, 3))}`);
  return { model_id: model.model_id, schema_version: model.schema_version, columns: b.build() };
}

/** Rows `prefix-0..n-1` with timestamps `start + i * step`. */
export function rowsAt(prefix: string, n: number, start: number, step: number): RowSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, ts: start + i * step, x: i }));
}

export async function createModel(store: Store, prefix = 'm'): Promise<Model> {
  const model = makeModel(freshId(prefix));
  await store.createModel(model);
  return model;
}

export async function collect(blocks: AsyncIterable<PredictionBlock>): Promise<PredictionBlock[]> {
  const out: PredictionBlock[] = [];
  for await (const b of blocks) out.push(b);
  return out;
}

/** A cell as a plain value: null for missing. */
export function cellOf(col: Column | undefined, row: number): number | string | null {
  if (!col) return null;
  if (col.kind === 'f64') return Number.isNaN(col.values[row]) ? null : col.values[row];
  if (col.kind === 'dict') return col.codes[row] < 0 ? null : col.dict[col.codes[row]];
  return col.values[row];
}

/** Column `name` of a set as plain values. */
export function valuesOf(set: ColumnSet, name: string): (number | string | null)[] {
  const col = set.columns.get(name);
  return Array.from({ length: set.rows }, (_, i) => cellOf(col, i));
}

/** (ts, id) of every row of every block, in scan order. */
export function scannedRows(blocks: PredictionBlock[]): { ts: number; id: string }[] {
  const out: { ts: number; id: string }[] = [];
  for (const b of blocks) {
    const ts = valuesOf(b.columns, 'ts');
    const ids = valuesOf(b.columns, 'id');
    for (let i = 0; i < b.columns.rows; i++) out.push({ ts: ts[i] as number, id: ids[i] as string });
  }
  return out;
}
