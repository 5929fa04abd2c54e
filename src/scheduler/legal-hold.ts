import type { Incident } from '../alerting/types.js';
import { DAY_MS, dayOf, dayString, toIso } from '../domain/time.js';
import type { Store, TimeRange } from '../store/store.js';

/** What ends a legal hold (config `lifecycle.legal_hold.release_on`). */
export type HoldRelease = 'export' | 'resolution';

/**
 * A legal hold: the analysis period of an incident whose evidence may still be needed.
 * Retention keeps every UTC day the period touches (blocks hold one day of predictions).
 */
export interface LegalHold {
  incident_id: string;
  model_id: string | null;
  incident_status: Incident['status'];
  /** the incident's analysis period */
  period: { start: string; end: string };
  /** the UTC days retention keeps for it (inclusive) */
  kept_days: { first: string; last: string };
  exported_at: string | null;
  /** why it holds, and what releases it */
  reason: string;
  released_by: HoldRelease[];
}

/** The kept days of a period [from, to) as epoch ms [first midnight, last midnight + 1 day). */
export function keptRange(from: number, to: number): TimeRange {
  return { from: dayOf(from) * DAY_MS, to: (dayOf(Math.max(from, to - 1)) + 1) * DAY_MS };
}

function describe(i: Incident, exportedAt: number | null, release: readonly HoldRelease[]): string {
  const until = release.map((r) => (r === 'export' ? 'an evidence export' : 'its resolution')).join(' or ');
  return `${i.status} incident, ${exportedAt === null ? 'not exported' : 'exported'}: released by ${until}`;
}

/**
 * Legal holds over prediction data, computed from the incidents themselves (nothing to keep in
 * step): an incident with an analysis period holds it until it is exported or resolved
 * (`release_on`, both by default; `[export]` holds resolved incidents until their evidence is
 * exported). The retention job deletes nothing inside a held period.
 */
export class LegalHolds {
  readonly releaseOn: readonly HoldRelease[];

  constructor(
    private readonly store: Store,
    releaseOn: readonly HoldRelease[] = ['export', 'resolution'],
  ) {
    this.releaseOn = releaseOn.length ? releaseOn : ['export', 'resolution'];
  }

  /** Holds in force (of one model, or all), oldest incident first. */
  async list(modelId?: string): Promise<LegalHold[]> {
    const held = await this.store.lifecycle.heldIncidents({ releaseOnExport: this.releaseOn.includes('export'), releaseOnResolution: this.releaseOn.includes('resolution'), model_id: modelId });
    return held.map(({ incident, exported_at }) => this.holdOf(incident, exported_at)!);
  }

  /** The hold an incident places, or null when it places none (no period, or released). */
  holdOf(i: Incident, exportedAt: number | null): LegalHold | null {
    if (i.period_start === null || i.period_end === null) return null;
    if (this.releaseOn.includes('export') && exportedAt !== null) return null;
    if (this.releaseOn.includes('resolution') && i.status === 'resolved') return null;
    const kept = keptRange(i.period_start, i.period_end);
    return {
      incident_id: i.incident_id,
      model_id: i.model_id,
      incident_status: i.status,
      period: { start: toIso(i.period_start), end: toIso(i.period_end) },
      kept_days: { first: dayString(dayOf(kept.from)), last: dayString(dayOf(kept.to) - 1) },
      exported_at: exportedAt === null ? null : toIso(exportedAt),
      reason: describe(i, exportedAt, this.releaseOn),
      released_by: [...this.releaseOn],
    };
  }

  /** The periods retention must keep for a model, with the incidents holding them. */
  async keepFor(modelId: string): Promise<{ ranges: TimeRange[]; incidents: string[] }> {
    const held = await this.store.lifecycle.heldIncidents({ releaseOnExport: this.releaseOn.includes('export'), releaseOnResolution: this.releaseOn.includes('resolution'), model_id: modelId });
    return {
      ranges: held.map(({ incident }) => ({ from: incident.period_start!, to: incident.period_end! })),
      incidents: held.map(({ incident }) => incident.incident_id),
    };
  }
}
