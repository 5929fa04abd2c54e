import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { GroupCommitWriter } from './group-commit.js';
import { ImportError, type ImportOptions, type ImportProgress, importPredictions } from './importer.js';
import { IngestService } from './ingest-service.js';

let dir: string;
let store: SqliteStore;
let writer: GroupCommitWriter;
let ingest: IngestService;

const NOW = Date.UTC(2026, 4, 1);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-import-'));
  store = SqliteStore.open({ path: join(dir, 'i.db') });
  await store.migrate();
  writer = new GroupCommitWriter(store);
  ingest = new IngestService(store, writer, () => NOW);
  const schema = parseModelSchema({
    task: 'multiclass_classification',
    labels: ['low', 'mid', 'high'],
    features: [
      { name: 'income', type: 'numeric' },
      { name: 'region', type: 'categorical', protected: true },
      { name: 'owner', type: 'boolean' },
    ],
    explanation_features: ['income'],
  });
  const model: Model = { model_id: 'credit', name: 'credit', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
  await store.createModel(model);
});

afterEach(async () => {
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A source that hands the text over in small byte pieces, like a file stream. */
async function* pieces(text: string, size = 64): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const run = (text: string, options: Partial<ImportOptions> = {}) => importPredictions(pieces(text), { store, ingest }, { modelId: 'credit', format: 'csv', ...options });

describe('importPredictions (CSV)', () => {
  it('imports every row, typed as the model says, and they read back', async () => {
    const csv = [
      'prediction_id,timestamp,model_version,income,region,owner,label,proba_low,proba_mid,proba_high,shap_income,latency_ms',
      'a1,2026-04-30T10:00:00Z,v1,52000.5,north,true,mid,0.2,0.5,0.3,0.12,4.5',
      'a2,1777543200000,v1,31000,"south, coast",0,low,0.6,0.3,0.1,-0.3,',
      'a3,2026-04-30 11:00:00,v2,0,"multi\nline",FALSE,high,,,,,',
    ].join('\r\n');
    const summary = await run(csv);
    expect(summary).toMatchObject({ rows_read: 3, written: 3, duplicates: 0, rejected: 0, reasons: [], rejected_lines: [] });
    const a1 = await store.getPrediction('credit', 'a1');
    expect(a1).toMatchObject({
      model_version: 'v1',
      timestamp: Date.UTC(2026, 3, 30, 10),
      features: { income: 52000.5, region: 'north', owner: true },
      prediction: { label: 'mid', probabilities: { low: 0.2, mid: 0.5, high: 0.3 } },
      explanation: { income: 0.12 },
    });
    expect((await store.getPrediction('credit', 'a2'))!.features).toEqual({ income: 31000, region: 'south, coast', owner: false });
    expect((await store.getPrediction('credit', 'a3'))!.features.region).toBe('multi\nline');
  });

  it('keeps the good rows of a chunk and reports the rejected ones with reasons and line numbers', async () => {
    const rows = ['prediction_id,income,region,owner,label'];
    for (let i = 0; i < 20; i++) rows.push(`r${i},${i * 100},"r\n${i}",1,low`); // each record spans two lines
    rows.push('bad1,abc,x,1,low'); // line 42
    rows.push('bad2,5,x,maybe,low'); // line 43
    rows.push('bad3,5,x,1,extreme'); // line 44: not a label
    rows.push('bad4,5,x'); // line 45: too few fields
    rows.push('bad5,7,"x"y,1,low'); // line 46: malformed quoting
    rows.push('bad6,abc,x,1,low'); // line 47
    rows.push('good,1,x,0,high');
    const summary = await run(rows.join('\n') + '\n', { batchSize: 8 });
    expect(summary.rows_read).toBe(27);
    expect(summary.written).toBe(21);
    expect(summary.rejected).toBe(6);
    expect(summary.rejected_lines).toEqual([42, 43, 44, 45, 46, 47]);
    expect(summary.reasons[0]).toEqual({ reason: 'features.income: is not a number', count: 2, lines: [42, 47] });
    const reasons = Object.fromEntries(summary.reasons.map((r) => [r.reason, r.lines]));
    expect(reasons['features.owner: is not a boolean (true/false/1/0)']).toEqual([43]);
    expect(Object.keys(reasons).find((r) => r.startsWith('prediction.label: must be one of'))).toBeDefined();
    expect(reasons['has 3 field(s) where the header has 5']).toEqual([45]);
    expect(Object.keys(reasons).some((r) => r.startsWith('malformed CSV'))).toBe(true);
    expect(await store.getPrediction('credit', 'good')).not.toBeNull();
    expect(await store.getPrediction('credit', 'bad1')).toBeNull();
  });

  it('is idempotent on prediction_id: a second import writes nothing', async () => {
    const csv = 'prediction_id,income,region,owner,label\n' + Array.from({ length: 30 }, (_, i) => `id${i},${i},x,1,mid`).join('\n');
    expect((await run(csv, { batchSize: 7 })).written).toBe(30);
    const again = await run(csv, { batchSize: 7 });
    expect(again).toMatchObject({ rows_read: 30, written: 0, duplicates: 30, rejected: 0 });
    expect(await store.countPredictions('credit', 0, NOW + 1)).toBe(30);
  });

  it('reports progress per committed chunk', async () => {
    const csv = 'income,region,owner,label\n' + Array.from({ length: 50 }, (_, i) => `${i},x,1,mid`).join('\n');
    const seen: ImportProgress[] = [];
    const summary = await run(csv, { batchSize: 10, onProgress: (p) => seen.push(p) });
    expect(summary.written).toBe(50); // ids generated when the file has none
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.map((p) => p.written)).toEqual([...seen.map((p) => p.written)].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toEqual({ rows_read: 50, written: 50, duplicates: 0, rejected: 0 });
  });

  it('streams a file much larger than a chunk with bounded chunks', async () => {
    async function* big(): AsyncGenerator<string> {
      yield 'prediction_id,income,region,owner,label\n';
      for (let c = 0; c < 20; c++) {
        let s = '';
        for (let i = 0; i < 1000; i++) s += `b${c}-${i},${i},r${i % 7},${i % 2},${['low', 'mid', 'high'][i % 3]}\n`;
        yield s;
      }
    }
    const summary = await importPredictions(big(), { store, ingest }, { modelId: 'credit', format: 'csv', batchSize: 3000 });
    expect(summary).toMatchObject({ rows_read: 20_000, written: 20_000, rejected: 0 });
    expect(await store.countPredictions('credit', 0, NOW + 1)).toBe(20_000);
  });

  it('stops before writing anything when the model or the header is unusable', async () => {
    await expect(run('income,region,owner,label\n1,x,1,low\n', { modelId: 'nope' })).rejects.toThrow(/no model "nope"/);
    await expect(run('income,region,owner,label,colour\n1,x,1,low,red\n')).rejects.toThrow(ImportError);
    await expect(run('')).rejects.toThrow(/empty/);
    await expect(run('"income,region\n')).rejects.toThrow(/header is malformed/);
    expect(await store.countPredictions('credit', 0, NOW + 1)).toBe(0);
    const lenient = await run('income,region,owner,label,colour\n1,x,1,low,red\n', { ignoreUnknownColumns: true });
    expect(lenient).toMatchObject({ written: 1, ignored_columns: ['colour'] });
  });

  it('reads other delimiters', async () => {
    const summary = await run('income;region;owner;label\n1,5;x;1;low\n2;"a;b";0;mid\n', { delimiter: ';' });
    expect(summary).toMatchObject({ written: 1, rejected: 1, rejected_lines: [2] });
  });
});

describe('importPredictions (NDJSON)', () => {
  it('imports payloads as the bulk API takes them, rejecting bad lines with their numbers', async () => {
    const p = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ prediction_id: id, features: { income: 1, region: 'x', owner: true }, prediction: { label: 'low' }, ...extra });
    const text = [p('n1'), '', p('n2', { model_id: 'credit' }), '{not json', p('n3', { model_id: 'other' }), p('n4', { prediction: { label: 'nah' } }), p('n5')].join('\n');
    const summary = await importPredictions(pieces(text, 10), { store, ingest }, { modelId: 'credit', format: 'ndjson', batchSize: 2 });
    expect(summary).toMatchObject({ rows_read: 6, written: 3, duplicates: 0, rejected: 3, rejected_lines: [4, 5, 6] });
    expect(summary.reasons.map((r) => r.reason)).toEqual(expect.arrayContaining(['not valid JSON', "model_id: names another model than the import's"]));
    expect(await store.getPrediction('credit', 'n5')).not.toBeNull();
  });
});
