import { toIso } from '../domain/time.js';
import type { Store } from '../store/store.js';

/** One moment in a model's life, as `GET /api/v1/models/:id/timeline` lists it. */
export interface TimelineEntry {
  at: string;
  type: 'version' | 'deploy' | 'baseline' | 'incident' | 'trigger';
  /** what happened: registered, stage_changed, deployed, rolled_back…, created, archived, opened, resolved, fired */
  event: string;
  title: string;
  /** ids to follow: version, snapshot_id, incident_id, trigger_id, record_id */
  refs: Record<string, string | null>;
  details: Record<string, unknown>;
}

const LIMIT = 500;

async function all<T>(fetch: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string }>, max: number): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}

/**
 * A model's timeline, newest first: registry events (registrations, stage changes, sign-offs,
 * refused promotions, rollbacks), deployments, baselines frozen and archived, incidents opened
 * and resolved, and retraining triggers. At most `limit` entries in [from, to).
 */
export async function modelTimeline(store: Store, modelId: string, range: { from?: number; to?: number; limit?: number } = {}): Promise<TimelineEntry[]> {
  const from = range.from ?? 0;
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  const limit = range.limit ?? LIMIT;
  const out: (TimelineEntry & { ts: number })[] = [];
  const add = (ts: number, e: TimelineEntry) => {
    if (ts >= from && ts < to) out.push({ ...e, ts });
  };

  for (const e of await store.lifecycle.versionEvents(modelId)) {
    const stages = e.from_stage || e.to_stage ? ` (${e.from_stage ?? '-'} → ${e.to_stage ?? '-'})` : '';
    add(e.at, {
      at: toIso(e.at),
      type: e.kind === 'deployed' ? 'deploy' : 'version',
      event: e.kind,
      title: `${e.version}: ${e.kind.replace('_', ' ')}${stages}`,
      refs: { version: e.version },
      details: { actor: e.actor, from_stage: e.from_stage, to_stage: e.to_stage, ...e.details },
    });
  }
  for (const b of await all((cursor) => store.listBaselines(modelId, { limit: 100, cursor }), limit * 2)) {
    const refs = { snapshot_id: b.snapshot_id, version: b.model_version };
    add(b.created_at, { at: toIso(b.created_at), type: 'baseline', event: 'created', title: `baseline ${b.snapshot_id} frozen (${b.sample_count} rows, ${b.source})`, refs, details: { model_version: b.model_version, active: b.is_active } });
    if (b.archived_at !== null) add(b.archived_at, { at: toIso(b.archived_at), type: 'baseline', event: 'archived', title: `baseline ${b.snapshot_id} archived`, refs, details: {} });
  }
  for (const i of await all((cursor) => store.alerting.listIncidents({ model_id: modelId, limit: 100, cursor }), limit * 2)) {
    const refs = { incident_id: i.incident_id, record_id: i.monitoring_record_id };
    add(i.created_at, { at: toIso(i.created_at), type: 'incident', event: 'opened', title: i.title, refs, details: { severity: i.severity, status: i.status, metrics: i.metrics_triggered.map((m) => m.metric_name) } });
    if (i.resolved_at !== null) add(i.resolved_at, { at: toIso(i.resolved_at), type: 'incident', event: 'resolved', title: `${i.title} resolved`, refs, details: { resolved_by: i.resolved_by, notes: i.resolution_notes } });
  }
  for (const t of await store.lifecycle.listTriggers(modelId, { limit: limit * 2 })) {
    add(t.fired_at, {
      at: toIso(t.fired_at),
      type: 'trigger',
      event: 'retrain.recommended',
      title: `retraining recommended (${t.kind}): ${t.reason}`,
      refs: { trigger_id: t.trigger_id, record_id: t.record_id, version: t.model_version },
      details: { kind: t.kind, actor: t.actor, ...t.details },
    });
  }
  // newest first; at equal times registry events keep their recorded order (reversed with the rest)
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.ts - a.e.ts || b.i - a.i)
    .slice(0, limit)
    .map(({ e: { ts: _ts, ...e } }) => e);
}
