import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, MODEL_ID_PATTERN, type Model } from '../domain/model-schema.js';
import { readNdjson } from '../ingest/ndjson.js';
import { type Actor, AuditLog } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { importPredictionLines } from './import-predictions.js';
import { importAlertLines, importRules, importSnapshotLines } from './import-records.js';
import { SchemaInference } from './infer-schema.js';
import { FileTally, type MigrationSummary } from './migration-summary.js';

/** The files of the tracker's data directory (tracker-and-alerting-analysis §1.3, §2.3), in the order they are imported. */
export const JSONL_LAYOUT = ['predictions.jsonl', 'metrics.jsonl', 'health_snapshots.jsonl', 'alerts.jsonl', 'alert_rules.json'] as const;

/** Running totals across files, in the import progress bar's terms. */
export interface MigrationProgress {
  rows_read: number;
  written: number;
  duplicates: number;
  rejected: number;
}

export interface JsonlMigrationOptions {
  dir: string;
  /** the model everything belongs to (the tracker knew one); created from the predictions when missing */
  modelId: string;
  /** prediction lines validated and written together (default 2000) */
  batchSize?: number;
  clock?: () => number;
  /** who ran it (audit); `cli` by default */
  actor?: Actor;
  onProgress?: (progress: MigrationProgress, bytesRead: number) => void;
}

export class MigrationError extends Error {}

/** Total size of the layout's files in `dir` (the progress bar's 100%). */
export const layoutBytes = (dir: string): number => JSONL_LAYOUT.reduce((s, f) => s + (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0), 0);

/**
 * Import the file-based tracker's data directory: predictions (and their actual outcomes),
 * metric and health snapshots, alerts with their acknowledgments, and alert rules with their
 * cooldown state. Idempotent: every record has a stable key (prediction id, content hash,
 * derived alert id, rule id), so running it again changes nothing. Every line is accounted for
 * in the summary: imported, unchanged, updated, or skipped with the reason and line number.
 */
export async function migrateFromJsonl(store: Store, o: JsonlMigrationOptions): Promise<MigrationSummary> {
  const started = performance.now();
  const clock = o.clock ?? Date.now;
  const now = clock();
  if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new MigrationError(`${o.dir} is not a directory`);
  const present = JSONL_LAYOUT.filter((f) => existsSync(join(o.dir, f)));
  if (present.length === 0) throw new MigrationError(`${o.dir} holds none of ${JSONL_LAYOUT.join(', ')}`);
  if (!MODEL_ID_PATTERN.test(o.modelId)) throw new MigrationError(`"${o.modelId}" is not a valid model id`);

  let bytesBefore = 0;
  let bytesNow = 0;
  const tallies = new Map(JSONL_LAYOUT.map((f) => [f, new FileTally(f, present.includes(f))]));
  const progress = (): MigrationProgress => {
    const t = [...tallies.values()].map((x) => x.summary);
    return {
      rows_read: t.reduce((s, f) => s + f.read, 0),
      written: t.reduce((s, f) => s + f.imported + f.updated, 0),
      duplicates: t.reduce((s, f) => s + f.unchanged, 0),
      rejected: t.reduce((s, f) => s + f.skipped, 0),
    };
  };
  const report = () => o.onProgress?.(progress(), bytesBefore + bytesNow);
  async function* read(file: string): AsyncGenerator<Buffer> {
    bytesNow = 0;
    for await (const chunk of createReadStream(join(o.dir, file), { highWaterMark: 1 << 20 })) {
      bytesNow += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    bytesBefore += bytesNow;
    bytesNow = 0;
  }

  let model = await store.getModel(o.modelId);
  let created = false;
  if (!model) {
    if (!present.includes('predictions.jsonl')) throw new MigrationError(`model "${o.modelId}" is not registered and there is no predictions.jsonl to infer its schema from: create it first`);
    const inference = new SchemaInference();
    for await (const items of readNdjson(createReadStream(join(o.dir, 'predictions.jsonl')), Number.POSITIVE_INFINITY, 2000)) for (const it of items) if ('value' in it) inference.add(it.value);
    let schema;
    try {
      schema = inference.schema();
    } catch (e) {
      throw new MigrationError(`cannot infer the schema of "${o.modelId}" from predictions.jsonl: ${e instanceof Error ? e.message : String(e)}`);
    }
    model = { model_id: o.modelId, name: o.modelId, description: `imported from ${o.dir} (schema inferred from predictions.jsonl)`, schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS }, created_at: now, updated_at: now } satisfies Model;
    await store.createModel(model);
    created = true;
  }

  let outcomes = 0;
  const has = (f: (typeof JSONL_LAYOUT)[number]) => present.includes(f);
  if (has('predictions.jsonl')) outcomes = await importPredictionLines(store, model, read('predictions.jsonl'), tallies.get('predictions.jsonl')!, { batchSize: Math.max(1, o.batchSize ?? 2000), now, onBatch: report });
  if (has('metrics.jsonl')) await importSnapshotLines(store, model.model_id, 'metric', 'metrics.jsonl', read('metrics.jsonl'), tallies.get('metrics.jsonl')!, { now, onBatch: report });
  if (has('health_snapshots.jsonl')) await importSnapshotLines(store, model.model_id, 'health', 'health_snapshots.jsonl', read('health_snapshots.jsonl'), tallies.get('health_snapshots.jsonl')!, { now, onBatch: report });
  const latestAlerts = has('alerts.jsonl') ? await importAlertLines(store, model.model_id, read('alerts.jsonl'), tallies.get('alerts.jsonl')!, { onBatch: report }) : new Map<string, number>();
  if (has('alert_rules.json')) {
    const text = await readFile(join(o.dir, 'alert_rules.json'), 'utf8');
    await importRules(store, model.model_id, text, latestAlerts, tallies.get('alert_rules.json')!, now);
    bytesBefore += Buffer.byteLength(text);
    report();
  }

  const summary: MigrationSummary = { directory: o.dir, model_id: model.model_id, model_created: created, files: [...tallies.values()].map((t) => t.finish()), outcomes, seconds: (performance.now() - started) / 1000 };
  await new AuditLog(store, clock).record(o.actor ?? { actor: 'cli', request_id: null }, {
    action: 'migration.jsonl',
    target_type: 'model',
    target_id: model.model_id,
    details: { directory: o.dir, model_created: created, outcomes, files: Object.fromEntries(summary.files.filter((f) => f.present).map((f) => [f.file, { read: f.read, imported: f.imported, unchanged: f.unchanged, updated: f.updated, skipped: f.skipped }])) },
  });
  return summary;
}
