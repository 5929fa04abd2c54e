import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { INJECTIONS, brokenJson, hostileValue, mutatedRow } from './hostile.js';
import { T0, type TestApp, bearer, expectErrorShape, registerModel, startTestApp, storedCount } from './http-fixtures.js';

const RUNS = 100;
const LABEL_B = "'; DROP TABLE outcomes; --";

/** A model whose own names are hostile: injection strings and JavaScript's reserved keys. */
const FUZZ_MODEL = {
  model_id: 'fz',
  task: 'binary_classification',
  labels: ['no', LABEL_B],
  features: [
    { name: 'income', type: 'numeric' },
    { name: "'; DROP TABLE prediction_blocks; --", type: 'categorical' },
    { name: '../../etc/passwd', type: 'boolean', required: false },
    { name: 'constructor', type: 'numeric', required: false },
    { name: 'toString', type: 'categorical', required: false },
  ],
  explanation_features: ['income'],
};

const PREDICTION_PATHS = [
  'model_id',
  'prediction_id',
  'model_version',
  'timestamp',
  'features',
  'features.income',
  "features.'; DROP TABLE prediction_blocks; --",
  'features.../../etc/passwd',
  'features.constructor',
  'features.+__proto__',
  'features.+hasOwnProperty',
  'prediction',
  'prediction.label',
  'prediction.probabilities',
  'prediction.probabilities.no',
  'prediction.confidence',
  'explanation',
  'explanation.income',
  'metadata',
  'metadata.+nested',
  '+__proto__',
  '+constructor',
] as const;

const OUTCOME_PATHS = ['model_id', 'prediction_id', 'actual', 'timestamp', '+__proto__', '+label'] as const;

let runId = 0;
/** A valid prediction with an id unique to this test run (so a rejected one can be looked for). */
const basePrediction = (i: number) => ({
  model_id: 'fz',
  prediction_id: `f-${runId}-${i}`,
  model_version: 'v1',
  timestamp: new Date(T0 - 3600_000 + i).toISOString(),
  features: { income: 10 + i, "'; DROP TABLE prediction_blocks; --": 'a', '../../etc/passwd': true, constructor: 2, toString: 'x' },
  prediction: { label: 'no', probabilities: { no: 0.7, [LABEL_B]: 0.3 } },
  explanation: { income: 0.25 },
  metadata: { user: `u${i}` },
});
const baseOutcome = (i: number) => ({ model_id: 'fz', prediction_id: `o-${runId}-${i}`, actual: LABEL_B, timestamp: new Date(T0).toISOString() });

const rowsArb = (base: (i: number) => Record<string, unknown>, paths: readonly string[]) =>
  fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => mutatedRow(base(i), paths))));

/** `arb` one time in `oneIn`, otherwise undefined */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });

const request = fc.record({
  partial: fc.boolean(),
  queryModel: sometimes(fc.constantFrom('fz', 'ghost', ...INJECTIONS, 'a\u0000b', '__proto__'), 4),
  broken: sometimes(brokenJson, 8),
});

describe.each(STORE_FACTORIES)('HTTP ingest fuzz ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerModel(t, FUZZ_MODEL);
  });
  afterAll(async () => t?.close());

  const query = (r: { partial: boolean; queryModel?: string }) =>
    `?partial=${r.partial}${r.queryModel !== undefined ? `&model_id=${encodeURIComponent(r.queryModel)}` : ''}`;

  /** How the answers fell: the property is only worth something if both kinds are common. */
  const tally = { ok: 0, rejected: 0, accepted: 0 };
  const expectBothOutcomes = () => {
    expect(tally.ok, JSON.stringify(tally)).toBeGreaterThan(RUNS / 10);
    expect(tally.rejected, JSON.stringify(tally)).toBeGreaterThan(RUNS / 10);
    expect(tally.accepted).toBeGreaterThan(0);
    Object.assign(tally, { ok: 0, rejected: 0, accepted: 0 });
  };

  /** The answer is never a 5xx, errors have the one shape, and success reports every row. */
  function checkAnswer(res: LightMyRequestResponse, rows: number, partial: boolean): { accepted: number; duplicates: number; rejected: number; errors: { row?: number }[] } | null {
    expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expectErrorShape(res);
      tally.rejected++;
      return null;
    }
    const body = res.json();
    tally.ok++;
    tally.accepted += body.accepted;
    // rows < 0: the body was not meant to be JSON (a BOM before `{}` still parses, for one)
    if (rows >= 0) expect(body.accepted + body.duplicates + (body.rejected ?? 0), res.body.slice(0, 300)).toBe(rows);
    if (!partial) expect(body.rejected).toBe(0);
    return body;
  }

  /** Rows the server did not keep must not be in the store (their ids are unique to the run). */
  async function expectNotStored(kind: 'prediction' | 'outcome', ids: string[]) {
    for (const id of ids) {
      const found = kind === 'prediction' ? await t.store.getPrediction('fz', id) : await t.store.getOutcome('fz', id);
      expect(found, `${kind} ${id} was rejected but stored`).toBeNull();
    }
  }

  const rejectedIds = (prefix: string, rows: number, answer: { errors: { row?: number }[] } | null) => {
    const rejected = answer ? new Set(answer.errors.map((e) => e.row)) : null;
    return Array.from({ length: rows }, (_, i) => i).filter((i) => !rejected || rejected.has(i)).map((i) => `${prefix}-${runId}-${i}`);
  };

  it('POST /api/v1/predictions', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb(basePrediction, PREDICTION_PATHS), request, fc.boolean(), async (rows, req, asArray) => {
        runId++;
        const texts = rows.map((r) => r.text);
        const wrap = asArray || texts.length > 1;
        const payload = req.broken ?? (wrap ? `[${texts.join(',')}]` : texts[0]);
        // a lone row that is itself an array is read as that many rows
        const rowCount = req.broken !== undefined || (!wrap && texts[0].trimStart().startsWith('[')) ? -1 : texts.length;
        const before = await storedCount(t, 'fz');
        const res = await t.app.inject({ method: 'POST', url: `/api/v1/predictions${query(req)}`, headers: { ...bearer(t.keys.ingest), 'content-type': 'application/json' }, payload });
        const answer = checkAnswer(res, rowCount, req.partial);
        expect(await storedCount(t, 'fz')).toBe(before + (answer?.accepted ?? 0));
        if (req.broken === undefined) await expectNotStored('prediction', rejectedIds('f', texts.length, answer));
      }),
      { numRuns: RUNS },
    );
    expectBothOutcomes();
  });

  it('POST /api/v1/predictions/bulk (NDJSON)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb(basePrediction, PREDICTION_PATHS), request, fc.constantFrom('\n', '\r\n'), async (rows, req, eol) => {
        runId++;
        const lines = rows.map((r) => r.text);
        if (req.broken !== undefined) lines.splice(Math.floor(lines.length / 2), 0, req.broken.replaceAll('\n', ' '));
        const before = await storedCount(t, 'fz');
        const res = await t.app.inject({ method: 'POST', url: `/api/v1/predictions/bulk${query(req)}`, headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: lines.join(eol) });
        // blank lines are skipped, so a broken line that is only whitespace is not a row
        const rowCount = lines.filter((l) => l.trim() !== '').length;
        const answer = checkAnswer(res, rowCount, req.partial);
        expect(await storedCount(t, 'fz')).toBe(before + (answer?.accepted ?? 0));
        if (req.broken === undefined) await expectNotStored('prediction', rejectedIds('f', lines.length, answer));
      }),
      { numRuns: RUNS },
    );
    expectBothOutcomes();
  });

  it('POST /api/v1/outcomes (JSON and NDJSON)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb(baseOutcome, OUTCOME_PATHS), request, fc.boolean(), async (rows, req, asNdjson) => {
        runId++;
        const texts = rows.map((r) => r.text);
        const payload = req.broken ?? (asNdjson ? texts.join('\n') : `[${texts.join(',')}]`);
        const type = asNdjson && req.broken === undefined ? 'application/x-ndjson' : 'application/json';
        const res = await t.app.inject({ method: 'POST', url: `/api/v1/outcomes${query(req)}`, headers: { ...bearer(t.keys.ingest), 'content-type': type }, payload });
        const answer = res.statusCode < 400 ? res.json() : null;
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
        tally[answer ? 'ok' : 'rejected']++;
        tally.accepted += answer?.accepted ?? 0;
        if (!answer) expectErrorShape(res);
        else if (req.broken === undefined) expect(answer.accepted + answer.rejected).toBe(texts.length);
        if (req.broken === undefined) await expectNotStored('outcome', rejectedIds('o', texts.length, answer));
      }),
      { numRuns: RUNS },
    );
    expectBothOutcomes();
  });

  it('hostile values anywhere in a model registration never cause a 5xx', async () => {
    const paths = ['model_id', 'name', 'description', 'task', 'labels', 'features', 'features.0', 'explanation_features', 'settings', 'settings.retention_days', '+__proto__'];
    const base = { model_id: 'fm', name: 'n', task: 'regression', features: [{ name: 'x', type: 'numeric' }], settings: { retention_days: 30 } };
    await fc.assert(
      fc.asyncProperty(mutatedRow(base, paths), fc.integer({ min: 0, max: 1e9 }), async (row, n) => {
        const payload = row.text.replace('"model_id":"fm"', `"model_id":"fm-${n}"`);
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/models', headers: { ...bearer(t.keys.admin), 'content-type': 'application/json' }, payload });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('the hostile generators do produce hostile input', () => {
    const samples = fc.sample(hostileValue, { numRuns: 500, seed: 1 });
    expect(samples.some((s) => s.includes('__proto__'))).toBe(true);
    expect(samples.some((s) => /\\ud[89ab]/.test(s))).toBe(true);
    expect(samples.some((s) => s.length > 5000 && s.startsWith('[['))).toBe(true);
    expect(samples.some((s) => s.includes('DROP TABLE'))).toBe(true);
  });
});
