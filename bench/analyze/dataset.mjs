/**
 * The analysis bench's data set, written straight through the store (no HTTP: the bench is
 * about analysis). Predictions come from bench/ingest's workload (the 12-feature credit model)
 * and go through the ingest PredictionBuilder, so blocks look exactly like ingested ones.
 *
 *   window:   `windowRows` predictions spread over the 24 h before `end`, uuid4 ids,
 *             outcomes for `labelled` of them
 *   outside:  `outsideRows` more spread over the `outsideDays` days before the window
 *             (time-ordered ids, the same share of outcomes)
 *   baseline: `baselineRows` validation rows with actuals, frozen as the active baseline
 */
import { MODEL, LABELS, prediction, rng } from '../ingest/workload.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The bench model: bench/ingest's, with `approve` as the positive label so fairness is computed. */
export const BENCH_MODEL = { ...MODEL, positive_label: 'approve' };

/** dynamic imports from the built tree (DIST), so one runner serves any build */
export async function loadDist(dist) {
  const imp = (p) => import(`${dist}/${p}`);
  const [schemaMod, builderMod, idsMod, serviceMod, sqliteMod, pgMod] = await Promise.all([
    imp('domain/model-schema.js'),
    imp('ingest/prediction-builder.js'),
    imp('domain/ids.js'),
    imp('analysis/monitoring-service.js'),
    imp('store/sqlite/sqlite-store.js'),
    imp('store/postgres/postgres-store.js'),
  ]);
  return { ...schemaMod, ...builderMod, ...idsMod, ...serviceMod, ...sqliteMod, ...pgMod, dist };
}

/** Open the bench store: a SQLite file, or a PostgreSQL schema. */
export async function openStore(d, { backend, path, pgUrl, pgSchema, synchronous = 'full' }) {
  if (backend === 'postgres') return d.PostgresStore.open({ url: pgUrl, schema: pgSchema, poolSize: 4 });
  return d.SqliteStore.open({ path, synchronous });
}

export function benchModel(d, now) {
  const { positive_label, ...rest } = BENCH_MODEL;
  const schema = d.parseModelSchema({ ...rest, positive_label });
  return { model_id: BENCH_MODEL.model_id, name: BENCH_MODEL.name, description: '', schema_version: 1, schema, settings: { ...d.DEFAULT_SETTINGS }, created_at: now, updated_at: now };
}

/** What the model would have been told later: the actual label, right ~80% of the time. */
function actualOf(r, predicted) {
  return r() < 0.8 ? predicted : LABELS[Math.floor(r() * LABELS.length)];
}

/**
 * Write `rows` predictions with timestamps evenly over [from, to), in blocks of `blockRows`
 * (one writePredictions call per `blocksPerCommit` blocks), and outcomes for a `labelled` share.
 */
export async function writeRange(d, store, model, { rows, from, to, seed, blockRows, blocksPerCommit = 20, labelled, timeOrderedIds, onProgress }) {
  const r = rng(seed);
  const step = (to - from) / rows;
  let written = 0;
  let outcomes = 0;
  let pendingOutcomes = [];
  const flushOutcomes = async () => {
    if (pendingOutcomes.length) await store.writeOutcomes(pendingOutcomes);
    outcomes += pendingOutcomes.length;
    pendingOutcomes = [];
  };
  while (written < rows) {
    const batches = [];
    for (let b = 0; b < blocksPerCommit && written < rows; b++) {
      const n = Math.min(blockRows, rows - written);
      const builder = new d.PredictionBuilder(model, n, to);
      const problems = [];
      for (let i = 0; i < n; i++) {
        const ts = Math.floor(from + (written + i) * step);
        const p = prediction(r, ts);
        if (timeOrderedIds) p.prediction_id = d.uuidv7(ts);
        p.timestamp = ts;
        if (!builder.add(p, i, problems)) throw new Error(`bench row rejected: ${JSON.stringify(problems[0])}`);
        if (r() < labelled) {
          pendingOutcomes.push({ model_id: model.model_id, prediction_id: p.prediction_id, label: actualOf(r, p.prediction.label), value: null, timestamp: ts + HOUR, received_at: ts + HOUR, prediction_ts: null });
        }
      }
      batches.push({ model_id: model.model_id, schema_version: model.schema_version, columns: builder.build() });
      written += n;
    }
    await store.writePredictions(batches);
    if (pendingOutcomes.length >= 50_000) await flushOutcomes();
    onProgress?.(written, rows);
  }
  await flushOutcomes();
  return { rows: written, outcomes };
}

/** Validation rows (prediction-shaped, with `actual`) for the baseline. */
export function validationRows(rows, end, seed = 9) {
  const r = rng(seed);
  const out = new Array(rows);
  const from = end - 60 * DAY;
  for (let i = 0; i < rows; i++) {
    const p = prediction(r, from + i * 1000);
    out[i] = { ...p, actual: actualOf(r, p.prediction.label) };
  }
  return out;
}

/** Register the model and freeze its baseline; then write the window. */
export async function buildWindow(d, store, { end, windowRows, baselineRows, labelled, blockRows, log }) {
  const model = benchModel(d, end - 90 * DAY);
  await store.createModel(model);
  const monitoring = new d.MonitoringService(store, () => end);
  const t0 = performance.now();
  const baseline = await monitoring.createBaselineFromRows(model.model_id, validationRows(baselineRows, end));
  log(`baseline ${baseline.snapshot_id}: ${baselineRows} validation rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  const w = await writeRange(d, store, model, {
    rows: windowRows,
    from: end - DAY,
    to: end,
    seed: 1,
    blockRows,
    labelled,
    timeOrderedIds: false,
    onProgress: (n, total) => n % 200_000 < blockRows * 20 && log(`  window ${n}/${total}`),
  });
  log(`window: ${w.rows} predictions, ${w.outcomes} outcomes in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  return model;
}

/** Add `outsideRows` predictions over the `outsideDays` days before the window. */
export async function buildOutside(d, store, model, { end, outsideRows, outsideDays, labelled, blockRows, log }) {
  const t0 = performance.now();
  const to = end - DAY;
  const w = await writeRange(d, store, model, {
    rows: outsideRows,
    from: to - outsideDays * DAY,
    to,
    seed: 2,
    blockRows,
    labelled,
    timeOrderedIds: true,
    onProgress: (n, total) => n % 1_000_000 < blockRows * 20 && log(`  outside ${n}/${total}`),
  });
  log(`outside the window: ${w.rows} predictions, ${w.outcomes} outcomes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
