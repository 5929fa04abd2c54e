import type { Model } from '../domain/model-schema.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { readNdjson } from '../ingest/ndjson.js';
import type { OutcomeRecord, Store } from '../store/store.js';
import { isObj, predictionPayload } from './legacy-records.js';
import type { FileTally } from './migration-summary.js';

/**
 * predictions.jsonl → predictions (and, for lines that carry actual_outcome, outcomes), in
 * batches. Idempotent: the store keeps one prediction per id, so a second run finds every
 * line stored (unchanged); a prediction id repeated in the file is imported once and the later
 * lines are reported as duplicates with their line numbers.
 */
export async function importPredictionLines(store: Store, model: Model, source: AsyncIterable<Buffer>, tally: FileTally, o: { batchSize: number; now: number; onBatch?: () => void }): Promise<number> {
  const seen = new Map<string, number>();
  let outcomes = 0;
  const labels = new Set(model.schema.labels);
  for await (const items of readNdjson(source, Number.POSITIVE_INFINITY, o.batchSize)) {
    const builder = new PredictionBuilder(model, items.length, o.now);
    const pending: OutcomeRecord[] = [];
    for (const it of items) {
      tally.summary.read++;
      if ('error' in it) {
        tally.skip(it.line, 'not valid JSON');
        continue;
      }
      if (!isObj(it.value)) {
        tally.skip(it.line, 'not a JSON object');
        continue;
      }
      const mapped = predictionPayload(it.value, model.schema);
      if ('problem' in mapped) {
        tally.skip(it.line, mapped.problem);
        continue;
      }
      const id = mapped.payload.prediction_id as string;
      if (seen.has(id)) {
        tally.skip(it.line, 'duplicate prediction_id (an earlier line with this id was imported)');
        continue;
      }
      const problems: FieldProblem[] = [];
      if (!builder.add(mapped.payload, it.line, problems)) {
        // one reason per line: the first problem names the field
        tally.skip(it.line, `${problems[0].field ? `${problems[0].field}: ` : ''}${problems[0].problem.replace(/ \(sum is [^)]*\)/, '')}`);
        continue;
      }
      seen.set(id, it.line);
      const actual = mapped.actual;
      if (actual === undefined || actual === null) continue;
      const ts = mapped.payload.timestamp as number;
      const base = { model_id: model.model_id, prediction_id: id, timestamp: ts, received_at: ts, prediction_ts: null };
      if (model.schema.task === 'regression' && typeof actual === 'number' && Number.isFinite(actual)) pending.push({ ...base, label: null, value: actual });
      else if (model.schema.task !== 'regression' && labels.has(String(actual))) pending.push({ ...base, label: String(actual), value: null });
      else tally.note(`line ${it.line}: actual_outcome ${JSON.stringify(actual)} is not ${model.schema.task === 'regression' ? 'a number' : 'a label of the model'}; the prediction was imported without it`);
    }
    if (builder.rows > 0) {
      const [result] = await store.writePredictions([{ model_id: model.model_id, schema_version: model.schema_version, columns: builder.build() }]);
      tally.summary.imported += result.inserted;
      tally.summary.unchanged += result.duplicates.length;
    }
    // received_at is the prediction's time (the file has no other): writing them again changes nothing
    if (pending.length) outcomes += (await store.writeOutcomes(pending)).written;
    o.onBatch?.();
  }
  return outcomes;
}
