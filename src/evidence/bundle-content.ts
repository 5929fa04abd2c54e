import { createHash } from 'node:crypto';
import { presentAlert, presentAudit, presentIncident } from '../alerting/present.js';
import type { AuditEntry, Incident } from '../alerting/types.js';
import { presentBaseline, presentRecord } from '../analysis/present-monitoring.js';
import { recordToReport } from '../analysis/report/from-record.js';
import { renderHtml } from '../analysis/report/render-html.js';
import { renderJson } from '../analysis/report/render-json.js';
import type { ModelSchema } from '../domain/model-schema.js';
import { toIso } from '../domain/time.js';
import { rowToRecord } from '../store/blocks/prediction-rows.js';
import type { Store, TimeRange } from '../store/store.js';
import { NdjsonSpool, type SpooledFile } from './spool.js';

/** One file of a bundle: its bytes are in memory (small files) or spooled on disk (NDJSON). */
export interface BundleFile {
  name: string;
  description: string;
  bytes: number;
  sha256: string;
  /** rows of an NDJSON or list file */
  rows?: number;
  content: { buffer: Buffer } | { path: string };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function bufferFile(name: string, description: string, data: Buffer, rows?: number): BundleFile {
  return { name, description, bytes: data.length, sha256: sha256(data), ...(rows === undefined ? {} : { rows }), content: { buffer: data } };
}

export const jsonFile = (name: string, description: string, value: unknown, rows?: number): BundleFile => bufferFile(name, description, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'), rows);

export const spooledFile = (name: string, description: string, s: SpooledFile): BundleFile => ({ name, description, bytes: s.bytes, sha256: s.sha256, rows: s.rows, content: { path: s.path } });

/** Blocks between yields to the disk: a decoded block is let go before the next is read. */
export async function spoolPredictions(store: Store, modelId: string, period: TimeRange, path: string): Promise<SpooledFile> {
  const spool = new NdjsonSpool(path);
  const schemas = new Map<number, ModelSchema>();
  try {
    for await (const block of store.scanPredictions({ model_id: modelId, from: period.from, to: period.to })) {
      let schema = schemas.get(block.schema_version);
      if (!schema) {
        schema = (await store.getModelSchema(modelId, block.schema_version)) ?? undefined;
        if (!schema) throw new Error(`schema version ${block.schema_version} of ${modelId} is missing`);
        schemas.set(block.schema_version, schema);
      }
      for (let r = 0; r < block.columns.rows; r++) {
        const rec = rowToRecord(block.columns, r, modelId, block.schema_version, schema);
        spool.push({ ...rec, timestamp: toIso(rec.timestamp) });
        if ((r & 1023) === 1023) await spool.drain();
      }
      await spool.drain();
    }
    return await spool.close();
  } catch (e) {
    spool.destroy();
    throw e;
  }
}

/** Outcomes of the period's predictions, page by page in (prediction time, id) order. */
export async function spoolOutcomes(store: Store, modelId: string, period: TimeRange, path: string, pageSize = 5000): Promise<SpooledFile> {
  const spool = new NdjsonSpool(path);
  try {
    let after: [number, string] | null = null;
    for (;;) {
      const page = await store.lifecycle.outcomePage(modelId, period.from, period.to, after, pageSize);
      for (const o of page) {
        spool.push({
          prediction_id: o.prediction_id,
          model_id: o.model_id,
          actual: o.label ?? o.value,
          timestamp: toIso(o.timestamp),
          received_at: toIso(o.received_at),
          prediction_timestamp: o.prediction_ts === null ? null : toIso(o.prediction_ts),
          predicted: o.pred_label ?? o.pred_value ?? null,
        });
      }
      await spool.drain();
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      after = [last.prediction_ts!, last.prediction_id];
    }
    return await spool.close();
  } catch (e) {
    spool.destroy();
    throw e;
  }
}

/** Audit entries about the incident, its alerts, its model and its baseline, oldest first. */
export async function auditEntries(store: Store, targets: { target_type: string; target_id: string }[]): Promise<AuditEntry[]> {
  const byId = new Map<string, AuditEntry>();
  for (const t of targets) {
    let cursor: string | undefined;
    do {
      const page = await store.alerting.listAudit({ ...t, limit: 1000, cursor });
      for (const e of page.items) byId.set(e.id, e);
      cursor = page.next_cursor;
    } while (cursor && byId.size < 100_000);
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/** The small files: incident, alerts, deliveries, record, report, baseline, model, audit. */
export async function documentFiles(store: Store, incident: Incident, exportedAt: number | null, hold: unknown): Promise<{ files: BundleFile[]; baselineId: string | null }> {
  const files: BundleFile[] = [];
  const alerts = await store.alerting.alertsOfIncident(incident.incident_id);
  const deliveries = await store.alerting.deliveriesOf({ incident_id: incident.incident_id });
  files.push(jsonFile('incident.json', 'the incident with its timeline (response_actions), legal hold and earlier export', { ...presentIncident(incident), exported_at: exportedAt === null ? null : toIso(exportedAt), legal_hold: hold }));
  files.push(jsonFile('alerts.json', 'the alerts of the incident, with acknowledgments', alerts.map(presentAlert), alerts.length));
  files.push(
    jsonFile(
      'deliveries.json',
      'every notification of the incident: channel, kind, attempts, status and the payload sent',
      deliveries.map((d) => ({ ...d, created_at: toIso(d.created_at), next_attempt_at: toIso(d.next_attempt_at), sent_at: d.sent_at === null ? null : toIso(d.sent_at) })),
      deliveries.length,
    ),
  );
  const record = incident.monitoring_record_id ? await store.getRecord(incident.monitoring_record_id) : null;
  const baseline = record?.baseline_id ? await store.getBaseline(record.baseline_id, true) : null;
  const model = incident.model_id ? await store.getModel(incident.model_id) : null;
  if (record) {
    files.push(jsonFile('monitoring-record.json', 'the monitoring record that opened the incident (metrics and findings)', presentRecord(record)));
    const report = recordToReport(record, { baseline, model });
    files.push(bufferFile('report.json', 'the record as a drift report (JSON renderer)', Buffer.from(renderJson(report), 'utf8')));
    files.push(bufferFile('report.html', 'the record as a drift report (self-contained HTML)', Buffer.from(renderHtml(report), 'utf8')));
  }
  if (baseline) {
    files.push(jsonFile('baseline.json', 'the baseline the record compared with (content_hash = SHA-256 over summary and baseline-data.bin)', presentBaseline(baseline, { full: true })));
    if (baseline.data) files.push(bufferFile('baseline-data.bin', 'the baseline samples exact tests use, as stored', Buffer.from(baseline.data)));
  }
  if (model) files.push(jsonFile('model.json', 'the model and every schema version', { ...model, created_at: toIso(model.created_at), updated_at: toIso(model.updated_at), schema_versions: await store.listModelSchemas(model.model_id) }));
  const targets = [
    { target_type: 'incident', target_id: incident.incident_id },
    ...alerts.map((a) => ({ target_type: 'alert', target_id: a.alert_id })),
    ...(incident.model_id ? [{ target_type: 'model', target_id: incident.model_id }] : []),
    ...(baseline ? [{ target_type: 'baseline', target_id: baseline.snapshot_id }] : []),
  ];
  const audit = await auditEntries(store, targets);
  files.push(jsonFile('audit.json', 'audit entries about the incident, its alerts, its model and its baseline', audit.map(presentAudit), audit.length));
  return { files, baselineId: baseline?.snapshot_id ?? null };
}
