import { newId } from '../domain/ids.js';
import { validationError } from '../errors/catalog.js';
import type { Actor } from '../observability/audit.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { GateReport } from '../registry/types.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import type { MonitoringService } from './monitoring-service.js';

/** A new model version going live (Flow 7). */
export interface DeployRequest {
  model_id: string;
  version: string;
  /** validation data of the new version (prediction-shaped rows, each optionally with `actual`) */
  validation_set?: unknown[];
  /** freeze a baseline from `validation_set` and make it active (default true) */
  create_baseline?: boolean;
  created_by?: string | null;
}

/** Flow 7's answer. */
export interface DeploySummary {
  status: 'deployed';
  model_id: string;
  model_version: string;
  previous_version: string | null;
  baseline_snapshot_id: string | null;
  /** the baseline that was active before and is now archived */
  archived_snapshot_id: string | null;
  drift_check: {
    record_id: string;
    status: MonitoringRecordRow['status'];
    aggregated_score: number | null;
    severity: string | null;
    message: string;
  };
  /** the promotion gates as they judge the deployed version (reported, not enforced: a deploy records what is serving) */
  gates?: GateReport;
}

function checkMessage(r: MonitoringRecordRow): string {
  if (r.status === 'skipped') return `Drift check skipped: ${String(r.body.skipped_reason)}`;
  if (r.status === 'failed') return `Drift check failed: ${r.error ?? 'unknown error'}`;
  const s = r.body.summary as { critical_count: number; warning_count: number } | undefined;
  if (r.max_severity === 'INFO' || !s) return 'No significant drift detected after deployment';
  return `Drift detected after deployment: ${s.critical_count} critical and ${s.warning_count} warning finding(s); see record ${r.record_id}`;
}

/**
 * Deploy a model version: freeze its baseline from the validation set (archiving the previous
 * one), run an immediate analysis of the current window against it (trigger `deploy`), and
 * record the deployment in the model registry (the version becomes the production version,
 * registered now when unknown; its history says `deployed`). The deployment's work is also a
 * `deploy` job run.
 */
export async function deployModelVersion(
  store: Store,
  monitoring: MonitoringService,
  req: DeployRequest,
  clock: () => number,
  registry?: { service: RegistryService; actor: Actor },
): Promise<DeploySummary> {
  const now = clock();
  const createBaseline = req.create_baseline !== false;
  if (createBaseline && (!Array.isArray(req.validation_set) || req.validation_set.length === 0)) {
    throw validationError([{ field: 'validation_set', problem: 'is required (a non-empty array) when create_baseline is true' }]);
  }
  const previous = await store.getActiveBaseline(req.model_id);
  const previousVersion = (await store.lifecycle.productionVersion(req.model_id))?.version ?? (await lastDeployedVersion(store, req.model_id)) ?? previous?.model_version ?? null;
  const baseline = createBaseline
    ? await monitoring.createBaselineFromRows(req.model_id, req.validation_set!, {
        model_version: req.version,
        metadata: { deployed_version: req.version, previous_version: previousVersion },
        created_by: req.created_by ?? null,
        activate: true,
      })
    : null;
  const record = await monitoring.analyze(req.model_id, 'deploy');
  const summary: DeploySummary = {
    status: 'deployed',
    model_id: req.model_id,
    model_version: req.version,
    previous_version: previousVersion,
    baseline_snapshot_id: baseline?.snapshot_id ?? previous?.snapshot_id ?? null,
    archived_snapshot_id: baseline && previous ? previous.snapshot_id : null,
    drift_check: {
      record_id: record.record_id,
      status: record.status,
      aggregated_score: record.aggregated_score,
      severity: record.max_severity ?? (record.status === 'failed' ? 'CRITICAL' : null),
      message: checkMessage(record),
    },
  };
  if (registry) {
    const deployed = await registry.service.recordDeployment(req.model_id, req.version, req.validation_set, registry.actor, {
      baseline_snapshot_id: summary.baseline_snapshot_id,
      record_id: record.record_id,
      previous_version: previousVersion,
    });
    if (deployed.gates) summary.gates = deployed.gates;
  }
  await store.recordJobRun({
    id: newId('job', now),
    job: 'deploy',
    model_id: req.model_id,
    status: 'succeeded',
    started_at: now,
    finished_at: clock(),
    details: { version: req.version, previous_version: previousVersion, baseline_snapshot_id: summary.baseline_snapshot_id, archived_snapshot_id: summary.archived_snapshot_id, record_id: record.record_id },
    error: null,
  });
  return summary;
}

/** The version of the model's last deployment recorded as a `deploy` job run (before the registry), if any. */
export async function lastDeployedVersion(store: Store, modelId: string): Promise<string | null> {
  const page = await store.listJobRuns({ job: 'deploy', model_id: modelId, limit: 1 });
  const v = page.items[0]?.details.version;
  return typeof v === 'string' ? v : null;
}
