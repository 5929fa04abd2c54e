import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { newId } from '../alerting/ids.js';
import type { Incident } from '../alerting/types.js';
import { toIso } from '../domain/time.js';
import { AppError } from '../errors/catalog.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import type { LegalHolds } from '../scheduler/legal-hold.js';
import type { Store, TimeRange } from '../store/store.js';
import { type BundleFile, documentFiles, jsonFile, spoolOutcomes, spoolPredictions, spooledFile } from './bundle-content.js';
import { TarWriter } from './tar.js';

/** The manifest's `format`: what `driftwatch verify` understands. */
export const BUNDLE_FORMAT = 'driftwatch-evidence/1';
export const MANIFEST = 'manifest.json';

/** One file as the manifest lists it. */
export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  rows?: number;
  description: string;
}

/** manifest.json, the first file of every bundle. */
export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  bundle_id: string;
  incident_id: string;
  model_id: string | null;
  created_at: string;
  created_by: string;
  analysis_period: { start: string; end: string } | null;
  files: ManifestFile[];
}

/** What an export produced. */
export interface ExportResult {
  bundle_id: string;
  incident_id: string;
  /** the .tar.gz on the server's disk */
  path: string;
  bytes: number;
  /** SHA-256 of the whole .tar.gz (recorded: a bundle whose manifest was rewritten too still differs) */
  sha256: string;
  created_at: number;
  manifest: Manifest;
}

export interface ExportOptions {
  /** where bundles are written */
  dir: string;
  actor: Actor;
  audit: AuditLog;
  holds: LegalHolds;
  clock?: () => number;
  /** the bundle's file (default: `<dir>/evidence-<incident>-<bundle>.tar.gz`) */
  outPath?: string;
}

/** The analysis period of the incident (else of the record that opened it), or null. */
async function periodOf(store: Store, i: Incident): Promise<TimeRange | null> {
  if (i.period_start !== null && i.period_end !== null) return { from: i.period_start, to: i.period_end };
  const record = i.monitoring_record_id ? await store.getRecord(i.monitoring_record_id) : null;
  return record ? { from: record.period_start, to: record.period_end } : null;
}

/** Write the archive: manifest first, then every file; returns the archive's size and SHA-256. */
async function writeArchive(path: string, prefix: string, manifest: BundleFile, files: BundleFile[], mtime: number): Promise<{ bytes: number; sha256: string }> {
  const gzip = createGzip({ level: 6 });
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const written = pipeline(gzip, count, createWriteStream(path));
  const tar = new TarWriter(gzip);
  try {
    for (const f of [manifest, ...files]) {
      const source = 'buffer' in f.content ? [f.content.buffer] : createReadStream(f.content.path, { highWaterMark: 1 << 20 });
      await tar.addStream(`${prefix}/${f.name}`, f.bytes, source as AsyncIterable<Buffer>, mtime);
    }
    await tar.finish();
  } catch (e) {
    gzip.destroy(e as Error);
    await written.catch(() => undefined);
    throw e;
  }
  await written;
  // the bundle is evidence: on disk before it is recorded as made
  const fh = await open(path, 'r');
  await fh.sync();
  await fh.close();
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Export an incident's evidence as a .tar.gz bundle: the incident, its alerts and deliveries,
 * the monitoring record and its report (JSON and HTML), the baseline, the model, the
 * predictions and outcomes of the analysis period (NDJSON, streamed block by block and page by
 * page through temporary files, so memory stays bounded however long the period), the audit
 * entries, and manifest.json with the size and SHA-256 of every file. Then, in one
 * transaction: the bundle is recorded, incidents.exported_at set (the first time), the export
 * audited. Exporting releases the incident's legal hold (unless holds end with resolution only).
 */
export async function exportEvidence(store: Store, incidentId: string, o: ExportOptions): Promise<ExportResult> {
  const clock = o.clock ?? Date.now;
  const incident = /^INC-\d{4}-[0-9A-Z]{26}$/.test(incidentId) ? await store.alerting.getIncident(incidentId) : null;
  if (!incident) throw new AppError('not_found', `no incident "${incidentId.slice(0, 64)}"`);
  const started = clock();
  const bundleId = newId('EVB', started);
  const exportedAt = await store.lifecycle.incidentExportedAt(incidentId);
  const hold = o.holds.holdOf(incident, exportedAt);
  const period = await periodOf(store, incident);
  const dir = o.outPath ? dirname(o.outPath) : o.dir;
  await mkdir(dir, { recursive: true });
  // temporary files beside the bundle: the final rename stays on one filesystem
  const tmp = await mkdtemp(join(dir, '.export-'));
  try {
    const { files } = await documentFiles(store, incident, exportedAt, hold);
    if (period && incident.model_id) {
      files.push(spooledFile('predictions.ndjson', 'every prediction logged in the analysis period, one JSON object per line', await spoolPredictions(store, incident.model_id, period, join(tmp, 'predictions.ndjson'))));
      files.push(spooledFile('outcomes.ndjson', 'the outcomes (ground truth) of those predictions, one per line', await spoolOutcomes(store, incident.model_id, period, join(tmp, 'outcomes.ndjson'))));
    }
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      bundle_id: bundleId,
      incident_id: incidentId,
      model_id: incident.model_id,
      created_at: toIso(started),
      created_by: o.actor.actor,
      analysis_period: period ? { start: toIso(period.from), end: toIso(period.to) } : null,
      files: files.map((f) => ({ path: f.name, bytes: f.bytes, sha256: f.sha256, ...(f.rows === undefined ? {} : { rows: f.rows }), description: f.description })),
    };
    const prefix = `evidence-${incidentId}`;
    const archive = join(tmp, 'bundle.tar.gz');
    const { bytes, sha256 } = await writeArchive(archive, prefix, jsonFile(MANIFEST, 'manifest', manifest), files, started);
    const path = resolve(o.outPath ?? join(o.dir, `${prefix}-${bundleId}.tar.gz`));
    await rename(archive, path);
    const now = clock();
    const counts = Object.fromEntries(manifest.files.filter((f) => f.rows !== undefined).map((f) => [f.path, f.rows]));
    await store.transaction(async (tx) => {
      await tx.lifecycle.insertBundle({ bundle_id: bundleId, incident_id: incidentId, created_at: now, created_by: o.actor.actor, path, bytes, sha256, summary: { files: manifest.files.map(({ description: _d, ...f }) => f), analysis_period: manifest.analysis_period } });
      await tx.lifecycle.markIncidentExported(incidentId, now);
      await o.audit.record(o.actor, { action: 'incident.export', target_type: 'incident', target_id: incidentId, details: { bundle_id: bundleId, sha256, bytes, rows: counts, first_export: exportedAt === null } }, tx);
    });
    return { bundle_id: bundleId, incident_id: incidentId, path, bytes, sha256, created_at: now, manifest };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
