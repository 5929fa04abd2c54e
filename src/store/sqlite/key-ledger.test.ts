import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../domain/model-schema.js';
import type { FieldProblem } from '../../errors/catalog.js';
import { PredictionBuilder } from '../../ingest/prediction-builder.js';
import type { PredictionBatch } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const model: Model = {
  model_id: 'm',
  name: 'm',
  description: '',
  schema_version: 1,
  schema: parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }] }),
  settings: DEFAULT_SETTINGS,
  created_at: 1,
  updated_at: 1,
};

function batch(ids: string[], ts = T0, score = 0.75): PredictionBatch {
  const b = new PredictionBuilder(model, ids.length, T0);
  const problems: FieldProblem[] = [];
  ids.forEach((id, i) => b.add({ prediction_id: id, timestamp: ts + i, features: { x: i }, prediction: { probabilities: { no: 1 - score, yes: score } } }, i, problems));
  expect(problems).toEqual([]);
  return { model_id: 'm', schema_version: 1, columns: b.build() };
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

let writerScript: URL;
beforeAll(async () => {
  // the block writer thread needs JavaScript; under node_modules so better-sqlite3 resolves
  const out = join(process.cwd(), 'node_modules', '.cache', 'driftwatch-tests', `key-ledger-${process.pid}`, 'block-writer-worker.mjs');
  await build({ entryPoints: [new URL('./block-writer-worker.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', external: ['better-sqlite3'], outfile: out, logLevel: 'silent' });
  writerScript = pathToFileURL(out);
  return () => rmSync(join(out, '..'), { recursive: true, force: true });
});

describe.each(['main connection', 'block writer thread'])('SQLite pending keys and their merge into prediction_keys (commits on the %s)', (mode) => {
  let dir: string;
  const open: SqliteStore[] = [];
  async function store(options: Parameters<typeof SqliteStore.open>[0]['keyMerge'] = {}): Promise<SqliteStore> {
    dir ??= mkdtempSync(join(tmpdir(), 'dw-keys-'));
    const blockWriter = mode === 'main connection' ? null : writerScript;
    const s = SqliteStore.open({ path: join(dir, 'k.db'), keyMerge: { idleMs: 60_000, ...options }, blockWriter });
    await s.migrate();
    if (!(await s.getModel('m'))) await s.createModel(model);
    open.push(s);
    return s;
  }
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined as unknown as string;
  });

  it('finds duplicates, keys and outcomes the same before and after a merge, and across both', async () => {
    const s = await store({ roundRows: 300, chunkRows: 70 });
    await s.writePredictions([batch(ids('a', 1000))]);
    expect(await count(s, 'SELECT count(*) FROM prediction_blocks WHERE keys_pending = 1')).toBe(1);
    await s.mergePendingKeys();
    expect(await count(s, 'SELECT count(*) FROM prediction_keys')).toBe(1000);
    expect(await count(s, 'SELECT count(*) FROM prediction_blocks WHERE keys_pending = 1')).toBe(0);
    await s.writePredictions([batch(ids('b', 500), T0 + DAY)]); // pending
    // a retry mixing merged, pending and new ids
    const [r] = await s.writePredictions([batch(['a5', 'new1', 'b7', 'a999', 'new1', 'b0'])]);
    expect(r.duplicates).toEqual(['a5', 'b7', 'a999', 'new1', 'b0']);
    expect(r.duplicateRows).toEqual([0, 2, 3, 4, 5]);
    expect(r.inserted).toBe(1);
    expect((await s.getPrediction('m', 'a500'))?.features.x).toBe(500);
    expect((await s.getPrediction('m', 'b42'))?.timestamp).toBe(T0 + DAY + 42);
    const linked = await s.writeOutcomes(
      ['a1', 'b1', 'zzz'].map((id) => ({ model_id: 'm', prediction_id: id, label: 'yes', value: null, timestamp: T0, received_at: T0, prediction_ts: null })),
    );
    expect(linked.linked).toBe(2);
    expect(await s.getOutcome('m', 'a1')).toMatchObject({ prediction_ts: T0 + 1, pred_label: 'yes', pred_score: 0.75 });
    expect(await s.getOutcome('m', 'b1')).toMatchObject({ prediction_ts: T0 + DAY + 1, pred_label: 'yes', pred_score: 0.75 });
    await s.mergePendingKeys();
    const [again] = await s.writePredictions([batch(['b7', 'new1', 'a3', 'fresh'])]);
    expect(again.duplicates).toEqual(['b7', 'new1', 'a3']);
    expect(await s.countPredictions('m', 0, T0 + 2 * DAY)).toBe(1502);
  });

  it('rebuilds the index from the database: a new process still sees pending keys', async () => {
    const first = await store();
    await first.writePredictions([batch(ids('p', 300))]);
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await store();
    const [r] = await second.writePredictions([batch(['p0', 'p299', 'q'])]);
    expect(r.duplicates).toEqual(['p0', 'p299']);
    expect((await second.getPrediction('m', 'p150'))?.features.x).toBe(150);
  });

  it('sees keys another connection wrote, pending or merged', async () => {
    const a = await store();
    const b = await store();
    await a.writePredictions([batch(ids('a', 100))]);
    expect((await b.writePredictions([batch(['a1', 'x'])]))[0].duplicates).toEqual(['a1']);
    await b.mergePendingKeys();
    expect((await a.writePredictions([batch(['a2', 'x', 'y'])]))[0].duplicates).toEqual(['a2', 'x']);
    expect((await a.getPrediction('m', 'x'))?.prediction_id).toBe('x');
  });

  it('stores an id once when two connections write it at the same moment', async () => {
    const a = await store();
    const b = await store();
    for (let round = 0; round < 5; round++) {
      const [[ra], [rb]] = await Promise.all([a.writePredictions([batch([`s${round}`, `a${round}`])]), b.writePredictions([batch([`b${round}`, `s${round}`])])]);
      expect(ra.inserted + rb.inserted).toBe(3);
      expect([...ra.duplicates, ...rb.duplicates]).toEqual([`s${round}`]);
    }
    expect(await a.countPredictions('m', 0, T0 + DAY)).toBe(15);
  });

  it('forgets keys of a rolled-back transaction, even when block ids get reused', async () => {
    const s = await store();
    await s.writePredictions([batch(['base'])]);
    await expect(
      s.transaction(async (tx) => {
        expect((await tx.writePredictions([batch(['t1', 't2'])]))[0].inserted).toBe(2);
        expect((await tx.writePredictions([batch(['t2', 'base'])]))[0].duplicates).toEqual(['t2', 'base']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await s.writePredictions([batch(['t1', 'u1'])]))[0].inserted).toBe(2);
    expect((await s.writePredictions([batch(['u1', 't2'])]))[0].duplicates).toEqual(['u1']);
    expect(await s.getPrediction('m', 't2')).not.toBeNull();
  });

  it('keeps writing on the main connection when the block writer thread is gone', async () => {
    const s = await store();
    await s.writePredictions([batch(['w1'])]);
    const thread = (s as unknown as { shared: { engine: { thread: { worker: { terminate(): Promise<number> } } | null } } }).shared.engine.thread;
    await thread?.worker.terminate();
    const [r] = await s.writePredictions([batch(['w1', 'w2'])]);
    expect(r).toMatchObject({ inserted: 1, duplicates: ['w1'] });
    expect(await s.countPredictions('m', 0, T0 + DAY)).toBe(2);
  });

  it('merges in the background once writes go quiet', async () => {
    const s = await store({ idleMs: 20 });
    await s.writePredictions([batch(ids('k', 50))]);
    const pending = () => count(s, 'SELECT count(*) FROM prediction_blocks WHERE keys_pending = 1');
    expect(await pending()).toBe(1);
    for (let i = 0; i < 100 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await pending()).toBe(0);
    expect(await count(s, 'SELECT count(*) FROM prediction_keys')).toBe(50);
    expect((await s.writePredictions([batch(['k7'])]))[0].duplicates).toEqual(['k7']);
  });

  it('retention racing a merge leaves no key behind for deleted predictions', async () => {
    const s = await store({ roundRows: 10_000, chunkRows: 25 });
    await s.writePredictions([batch(ids('old', 400), T0), batch(ids('new', 100), T0 + 3 * DAY)]);
    const merging = s.mergePendingKeys();
    let r = await s.deletePredictionsBefore('m', T0 + 2 * DAY, 10_000);
    while (!r.done) r = await s.deletePredictionsBefore('m', T0 + 2 * DAY, 10_000);
    await merging;
    expect(await s.getPrediction('m', 'old17')).toBeNull();
    expect((await s.writePredictions([batch(['old17', 'new3'], T0 + 4 * DAY)]))[0]).toMatchObject({ inserted: 1, duplicates: ['new3'] });
  });
});

/** A count straight from the database (the store has no API for its internals). */
async function count(s: SqliteStore, query: string): Promise<number> {
  const raw = (s as unknown as { raw: { prepare(sql: string): { pluck(): { get(): number } } } }).raw;
  return raw.prepare(query).pluck().get();
}
