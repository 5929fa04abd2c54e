import type { AuditEntry } from '../alerting/types.js';
import { newId } from '../alerting/ids.js';
import type { AuditQuery } from '../store/alerting-store.js';
import type { Page, Store } from '../store/store.js';

/** Who asked, and under which request id (the routes build it from the request). */
export interface Actor {
  /** `key:<api key id>`, or `system` / `cli` for the service itself */
  actor: string;
  request_id: string | null;
}

export const SYSTEM_ACTOR: Actor = { actor: 'system', request_id: null };

/** What changed: `action` is `<target type>.<verb>`, e.g. rule.update, alert.acknowledge, key.revoke. */
export interface AuditEvent {
  action: string;
  target_type: string;
  target_id: string | null;
  details?: Record<string, unknown>;
}

/** Values that must never reach the audit trail, whatever a caller puts into `details`. */
const SECRET_KEYS = /token|secret|password|hash|authorization|api_key/i;

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

/**
 * The audit trail: who changed what, when, under which request. Writing through a transaction's
 * store (`tx`) makes the entry part of the change it records: both commit or neither does.
 */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  entry(by: Actor, event: AuditEvent, at = this.clock()): AuditEntry {
    return {
      id: newId('AUD', at),
      at,
      actor: by.actor,
      action: event.action,
      target_type: event.target_type,
      target_id: event.target_id,
      details: scrub(event.details ?? {}),
      request_id: by.request_id,
    };
  }

  /** Record an event (in `tx` when given). Returns the entry written. */
  async record(by: Actor, event: AuditEvent, tx: Store = this.store): Promise<AuditEntry> {
    const e = this.entry(by, event);
    await tx.alerting.insertAudit(e);
    return e;
  }

  list(query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.store.alerting.listAudit(query);
  }
}
