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

/**
 * PostgreSQL only, a shortcut: the older predictions as copies of the window's, made in SQL
 * (writing 10M predictions through the store takes the better part of an hour here). Each of
 * `outsideDays` days before the window gets the window's blocks with day, min_ts and max_ts
 * moved back (their contents keep the window's timestamps: a scan that read an outside block
 * would count its rows in the window, which the bench would show as more than 1M predictions),
 * the window's keys and outcomes with ids suffixed and times moved back. Returns the rows added.
 */
export async function cloneOutsidePg(store, model, { end, outsideDays, log }) {
  const pool = store.pgPool;
  const t0 = performance.now();
  // the window's blocks only (not the copies of earlier rounds): they all start inside it
  const windowDay = Math.floor((end - DAY) / DAY);
  let rows = 0;
  for (let k = 1; k <= outsideDays; k++) {
    const shift = k * DAY;
    const b = await pool.query(
      `INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data)
       SELECT model_id, schema_version, day - $2, min_ts - $3, max_ts - $3, row_count, created_at, data
       FROM prediction_blocks WHERE model_id = $1 AND day >= $4 AND min_ts >= $5 RETURNING row_count`,
      [model.model_id, k, shift, windowDay, end - DAY],
    );
    rows += b.rows.reduce((s, r) => s + Number(r.row_count), 0);
    await pool.query(
      `INSERT INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value)
       SELECT model_id, prediction_id || ':' || $2, ts - $3, pred_label, pred_score, pred_value
       FROM prediction_keys WHERE model_id = $1 AND ts >= $4 AND position(':' in prediction_id) = 0`,
      [model.model_id, k, shift, end - DAY],
    );
    await pool.query(
      `INSERT INTO outcomes (model_id, prediction_id, label, value, ts, received_at, prediction_ts, pred_label, pred_score, pred_value)
       SELECT model_id, prediction_id || ':' || $2, label, value, ts - $3, received_at - $3, prediction_ts - $3, pred_label, pred_score, pred_value
       FROM outcomes WHERE model_id = $1 AND prediction_ts >= $4 AND position(':' in prediction_id) = 0`,
      [model.model_id, k, shift, end - DAY],
    );
    log(`  outside day -${k}: ${rows} predictions so far`);
  }
  log(`outside the window (cloned in SQL): ${rows} predictions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
