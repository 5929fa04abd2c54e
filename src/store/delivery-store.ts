import { type Kysely, sql, type Transaction } from 'kysely';
import { ALERTING_LOCK_NAMESPACE, KyselyAlertingStore } from './alerting-store.js';
import type { DB } from './db-types.js';
import type { StoreCapabilities } from './store.js';

export type DeliveryKind = 'trigger' | 'acknowledge' | 'resolve' | 'comment' | 'event';
export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One outbox row as the delivery worker sees it (the alerting pipeline writes them with the alert). */
export interface OutboxDelivery {
  delivery_id: string;
  alert_id: string | null;
  incident_id: string | null;
  channel: string;
  kind: DeliveryKind;
  /** per (incident, or alert when there is none) and channel: sent in this order */
  sequence: number;
  /** sent to the receiver, which deduplicates by it */
  idempotency_key: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  sent_at: number | null;
}

export interface ClaimRequest {
  /** the claiming worker (a lease names it) */
  owner: string;
  now: number;
  /** the lease ends at now + leaseMs: a worker that dies holding it is replaced after that */
  leaseMs: number;
  limit: number;
}

/** How much is waiting in the outbox. */
export interface OutboxDepth {
  pending: number;
  /** pending and due now (not waiting for a retry) */
  due: number;
  failed: number;
  /** created_at of the oldest pending delivery */
  oldest_pending_at: number | null;
  by_channel: { channel: string; pending: number; failed: number }[];
}

/** A sent delivery's timing: latency is sent_at - created_at. */
export interface DeliveryTiming {
  delivery_id: string;
  channel: string;
  kind: DeliveryKind;
  created_at: number;
  sent_at: number;
  attempts: number;
}

/** The alert and incident a delivery speaks about, as stored now (columns plus their JSON body). */
export interface DeliverySubject {
  alert: Record<string, unknown> | null;
  incident: Record<string, unknown> | null;
}

/**
 * The outbox, seen from the delivery worker. Claims are leases: a delivery is claimed by setting
 * lease_owner/lease_until, and a worker that dies mid-send loses it when the lease ends. Order
 * holds per (incident, or alert) and channel: a delivery is due only when no earlier-sequence
 * delivery of its group is still pending, so at most one per group is ever in flight.
 * Reached as `store.outbox`; inside `store.transaction(tx => …)` use `tx.outbox`.
 */
export interface DeliveryStore {
  /** Lease up to `limit` due deliveries, oldest due first (PostgreSQL: FOR UPDATE SKIP LOCKED). */
  claimDeliveries(request: ClaimRequest): Promise<OutboxDelivery[]>;
  /**
   * The receiver accepted it: status sent, sent_at, attempts. A trigger also adds the channel to
   * its alert's channels_notified (and a pending alert becomes sent), in the same transaction.
   * Applies whoever holds the lease (a second sender after a lease expiry changes nothing more).
   */
  markDeliverySent(deliveryId: string, done: { now: number; attempts: number }): Promise<void>;
  /** Back to the queue until `next_attempt_at`, lease dropped. False when `owner` no longer holds it. */
  scheduleDeliveryRetry(deliveryId: string, owner: string, retry: { attempts: number; next_attempt_at: number; last_error: string | null }): Promise<boolean>;
  /** Given up: status failed. A trigger whose alert has no other trigger left pending or sent makes the alert failed. */
  markDeliveryFailed(deliveryId: string, owner: string, failure: { attempts: number; last_error: string; now: number }): Promise<boolean>;
  /** Drop the leases of `owner` (every lease when null): what a stopping worker had claimed but not started. */
  releaseDeliveryLeases(owner: string | null): Promise<number>;
  outboxDepth(now: number): Promise<OutboxDepth>;
  /** Deliveries of an alert or incident (or all), in (created_at, sequence) order. */
  listDeliveries(query: { alert_id?: string; incident_id?: string; status?: DeliveryStatus; channel?: string; limit: number }): Promise<OutboxDelivery[]>;
  /** Sent deliveries with sent_at in [from, to), for latency figures. */
  deliveryTimings(query: { from: number; to: number; channel?: string }): Promise<DeliveryTiming[]>;
  /** The stored alert and incident a delivery names (what a payload without a snapshot is rendered from). */
  deliverySubject(alertId: string | null, incidentId: string | null): Promise<DeliverySubject>;
}

type Exec = Kysely<DB> | Transaction<DB>;
type Row = DB['deliveries'];

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toDelivery(r: Row): OutboxDelivery {
  let payload: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(r.payload);
    payload = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    payload = {};
  }
  return {
    delivery_id: r.delivery_id,
    alert_id: r.alert_id,
    incident_id: r.incident_id,
    channel: r.channel,
    kind: r.kind as DeliveryKind,
    sequence: Number(r.sequence),
    idempotency_key: r.idempotency_key,
    payload,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    next_attempt_at: Number(r.next_attempt_at),
    last_error: r.last_error,
    lease_owner: r.lease_owner,
    lease_until: num(r.lease_until),
    created_at: Number(r.created_at),
    sent_at: num(r.sent_at),
  };
}

const byDueOrder = (a: OutboxDelivery, b: OutboxDelivery) =>
  a.next_attempt_at - b.next_attempt_at || a.created_at - b.created_at || a.sequence - b.sequence || (a.delivery_id < b.delivery_id ? -1 : 1);

async function claim(db: Exec, req: ClaimRequest, skipLocked: boolean): Promise<OutboxDelivery[]> {
  const until = req.now + req.leaseMs;
  // an earlier delivery of the same group and channel that is still pending blocks this one
  const due = sql`
    d.status = 'pending' AND d.next_attempt_at <= ${req.now} AND (d.lease_until IS NULL OR d.lease_until <= ${req.now})
    AND NOT EXISTS (
      SELECT 1 FROM deliveries e
      WHERE e.channel = d.channel AND e.status = 'pending' AND e.sequence < d.sequence
        AND ((d.incident_id IS NOT NULL AND e.incident_id = d.incident_id)
          OR (d.incident_id IS NULL AND e.incident_id IS NULL AND e.alert_id = d.alert_id)))`;
  const lock = skipLocked ? sql`FOR UPDATE OF d SKIP LOCKED` : sql``;
  const result = await sql<Row>`
    UPDATE deliveries SET lease_owner = ${req.owner}, lease_until = ${until}
    WHERE delivery_id IN (
      SELECT d.delivery_id FROM deliveries d WHERE ${due}
      ORDER BY d.next_attempt_at, d.created_at, d.sequence
      LIMIT ${req.limit} ${lock})
    RETURNING *`.execute(db);
  return result.rows.map(toDelivery).sort(byDueOrder);
}

/** Serialise with alerting's writes about a model (they read-modify-write alerts under this lock). */
type ModelLock = (db: Exec, modelId: string | null) => Promise<void>;

/** Lock the model of a trigger's alert before touching the alert; returns the alert id when it is a trigger's. */
async function lockAlertOf(db: Exec, deliveryId: string, lock: ModelLock): Promise<string | null> {
  const d = await db.selectFrom('deliveries').select(['alert_id', 'kind']).where('delivery_id', '=', deliveryId).executeTakeFirst();
  if (!d || d.kind !== 'trigger' || d.alert_id === null) return null;
  const alert = await db.selectFrom('alerts').select('model_id').where('alert_id', '=', d.alert_id).executeTakeFirst();
  if (!alert) return null;
  await lock(db, alert.model_id);
  return d.alert_id;
}

async function markSent(db: Exec, deliveryId: string, done: { now: number; attempts: number }, lock: ModelLock): Promise<void> {
  // lock first: two workers marking two channels of one alert, or an acknowledgment rewriting the
  // alert meanwhile, would otherwise lose one channel from channels_notified
  const alertId = await lockAlertOf(db, deliveryId, lock);
  const updated = await db
    .updateTable('deliveries')
    .set({ status: 'sent', sent_at: done.now, attempts: done.attempts, last_error: null, lease_owner: null, lease_until: null })
    .where('delivery_id', '=', deliveryId)
    .where('status', '=', 'pending')
    .returning(['channel'])
    .executeTakeFirst();
  if (!updated || alertId === null) return;
  const alert = await db.selectFrom('alerts').select(['status', 'body']).where('alert_id', '=', alertId).executeTakeFirst();
  if (!alert) return;
  const body = parseBody(alert.body);
  const notified = Array.isArray(body.channels_notified) ? (body.channels_notified as unknown[]).filter((c): c is string => typeof c === 'string') : [];
  if (!notified.includes(updated.channel)) notified.push(updated.channel);
  body.channels_notified = notified;
  // acknowledged or resolved say more than "sent": only a pending (or failed) alert changes status
  const status = alert.status === 'pending' || alert.status === 'failed' ? 'sent' : alert.status;
  await db.updateTable('alerts').set({ body: JSON.stringify(body), status }).where('alert_id', '=', alertId).execute();
}

/**
 * markSent in four round trips instead of eight (PostgreSQL, where each one waits for the event
 * loop of a busy server): the model's lock taken by a join, then one statement that marks the
 * delivery and, for a trigger, adds its channel to the alert's channels_notified in SQL, on the
 * row as it is after the lock.
 */
async function markSentPostgres(db: Exec, deliveryId: string, done: { now: number; attempts: number }): Promise<void> {
  await sql`
    SELECT pg_advisory_xact_lock(${ALERTING_LOCK_NAMESPACE}, hashtext(coalesce(a.model_id, '-')))
    FROM deliveries d JOIN alerts a ON a.alert_id = d.alert_id
    WHERE d.delivery_id = ${deliveryId} AND d.kind = 'trigger' AND d.status = 'pending'`.execute(db);
  await sql`
    WITH d AS (
      UPDATE deliveries SET status = 'sent', sent_at = ${done.now}, attempts = ${done.attempts}, last_error = NULL, lease_owner = NULL, lease_until = NULL
      WHERE delivery_id = ${deliveryId} AND status = 'pending'
      RETURNING alert_id, kind, channel),
    cur AS (
      SELECT a.alert_id, d.channel, coalesce(a.body::jsonb -> 'channels_notified', '[]'::jsonb) AS notified
      FROM alerts a JOIN d ON a.alert_id = d.alert_id AND d.kind = 'trigger')
    UPDATE alerts a SET
      body = jsonb_set(a.body::jsonb, '{channels_notified}',
        CASE WHEN cur.notified @> jsonb_build_array(cur.channel) THEN cur.notified ELSE cur.notified || jsonb_build_array(cur.channel) END)::text,
      status = CASE WHEN a.status IN ('pending', 'failed') THEN 'sent' ELSE a.status END
    FROM cur WHERE a.alert_id = cur.alert_id`.execute(db);
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* a broken body is replaced by one that holds what we know */
  }
  return {};
}

async function scheduleRetry(db: Exec, deliveryId: string, owner: string, retry: { attempts: number; next_attempt_at: number; last_error: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('deliveries')
    .set({ attempts: retry.attempts, next_attempt_at: retry.next_attempt_at, last_error: retry.last_error, lease_owner: null, lease_until: null })
    .where('delivery_id', '=', deliveryId)
    .where('status', '=', 'pending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

async function markFailed(db: Exec, deliveryId: string, owner: string, failure: { attempts: number; last_error: string; now: number }, lock: ModelLock): Promise<boolean> {
  await lockAlertOf(db, deliveryId, lock);
  const updated = await db
    .updateTable('deliveries')
    .set({ status: 'failed', attempts: failure.attempts, last_error: failure.last_error, lease_owner: null, lease_until: null })
    .where('delivery_id', '=', deliveryId)
    .where('status', '=', 'pending')
    .where('lease_owner', '=', owner)
    .returning(['alert_id', 'kind'])
    .executeTakeFirst();
  if (!updated) return false;
  if (updated.kind === 'trigger' && updated.alert_id !== null) {
    const alive = await db
      .selectFrom('deliveries')
      .select('delivery_id')
      .where('alert_id', '=', updated.alert_id)
      .where('kind', '=', 'trigger')
      .where('status', 'in', ['pending', 'sent'])
      .limit(1)
      .executeTakeFirst();
    if (!alive) await db.updateTable('alerts').set({ status: 'failed' }).where('alert_id', '=', updated.alert_id).where('status', '=', 'pending').execute();
  }
  return true;
}

async function releaseLeases(db: Exec, owner: string | null): Promise<number> {
  let q = db.updateTable('deliveries').set({ lease_owner: null, lease_until: null }).where('status', '=', 'pending').where('lease_owner', 'is not', null);
  if (owner !== null) q = q.where('lease_owner', '=', owner);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

async function outboxDepth(db: Exec, now: number): Promise<OutboxDepth> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => [
      'channel',
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('next_attempt_at', '<=', now).then(1).else(0).end()).as('due'),
      eb.fn.min<number>('created_at').as('oldest'),
    ])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy(['channel', 'status'])
    .execute();
  const out: OutboxDepth = { pending: 0, due: 0, failed: 0, oldest_pending_at: null, by_channel: [] };
  const channels = new Map<string, { channel: string; pending: number; failed: number }>();
  for (const r of rows) {
    const c = channels.get(r.channel) ?? { channel: r.channel, pending: 0, failed: 0 };
    channels.set(r.channel, c);
    const n = Number(r.n);
    if (r.status === 'failed') {
      c.failed += n;
      out.failed += n;
      continue;
    }
    c.pending += n;
    out.pending += n;
    out.due += Number(r.due ?? 0);
    const oldest = Number(r.oldest);
    if (out.oldest_pending_at === null || oldest < out.oldest_pending_at) out.oldest_pending_at = oldest;
  }
  out.by_channel = [...channels.values()].sort((a, b) => (a.channel < b.channel ? -1 : 1));
  return out;
}

async function listDeliveries(
  db: Exec,
  query: { alert_id?: string; incident_id?: string; status?: DeliveryStatus; channel?: string; limit: number },
): Promise<OutboxDelivery[]> {
  let q = db.selectFrom('deliveries').selectAll().orderBy('created_at').orderBy('sequence').orderBy('delivery_id').limit(query.limit);
  if (query.alert_id !== undefined) q = q.where('alert_id', '=', query.alert_id);
  if (query.incident_id !== undefined) q = q.where('incident_id', '=', query.incident_id);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.channel !== undefined) q = q.where('channel', '=', query.channel);
  return (await q.execute()).map(toDelivery);
}

async function deliveryTimings(db: Exec, query: { from: number; to: number; channel?: string }): Promise<DeliveryTiming[]> {
  let q = db
    .selectFrom('deliveries')
    .select(['delivery_id', 'channel', 'kind', 'created_at', 'sent_at', 'attempts'])
    .where('status', '=', 'sent')
    .where('sent_at', '>=', query.from)
    .where('sent_at', '<', query.to)
    .orderBy('sent_at');
  if (query.channel !== undefined) q = q.where('channel', '=', query.channel);
  return (await q.execute()).map((r) => ({
    delivery_id: r.delivery_id,
    channel: r.channel,
    kind: r.kind as DeliveryKind,
    created_at: Number(r.created_at),
    sent_at: Number(r.sent_at),
    attempts: Number(r.attempts),
  }));
}

async function deliverySubject(db: Exec, alertId: string | null, incidentId: string | null): Promise<DeliverySubject> {
  const alert = alertId === null ? undefined : await db.selectFrom('alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
  const incident = incidentId === null ? undefined : await db.selectFrom('incidents').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  const flat = (row: { body: string } | undefined): Record<string, unknown> | null => {
    if (!row) return null;
    const { body, ...columns } = row;
    return { ...parseBody(body), ...columns };
  };
  return { alert: flat(alert), incident: flat(incident) };
}

/**
 * The Kysely implementation both backends share, bound to one executor (reached as
 * `store.outbox`). Two writes that go together run in a transaction of their own, or in the
 * caller's when the executor already is one.
 */
export class KyselyDeliveryStore implements DeliveryStore {
  private readonly skipLocked: boolean;
  private readonly lockModel: ModelLock;
  /** PostgreSQL: results recorded with jsonb in fewer round trips (markSentPostgres) */
  private readonly sqlFastPath: boolean;

  constructor(
    private readonly db: Exec,
    /** skipLocked: claims skip rows another worker is claiming; advisoryLocks: alerting's per-model lock exists */
    capabilities: Pick<StoreCapabilities, 'skipLocked' | 'advisoryLocks'>,
  ) {
    this.skipLocked = capabilities.skipLocked;
    this.sqlFastPath = capabilities.advisoryLocks;
    // the same lock alerting's transactions take (alerting-store.ts); SQLite transactions are serial already
    this.lockModel = capabilities.advisoryLocks ? (db, modelId) => new KyselyAlertingStore(db, 'postgres').lock([modelId ?? '-']) : async () => undefined;
  }

  private atomically<T>(fn: (db: Exec) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? fn(this.db) : (this.db as Kysely<DB>).transaction().execute(fn);
  }

  claimDeliveries(request: ClaimRequest): Promise<OutboxDelivery[]> {
    return claim(this.db, request, this.skipLocked);
  }
  markDeliverySent(deliveryId: string, done: { now: number; attempts: number }): Promise<void> {
    return this.atomically((db) => (this.sqlFastPath ? markSentPostgres(db, deliveryId, done) : markSent(db, deliveryId, done, this.lockModel)));
  }
  scheduleDeliveryRetry(deliveryId: string, owner: string, retry: { attempts: number; next_attempt_at: number; last_error: string | null }): Promise<boolean> {
    return scheduleRetry(this.db, deliveryId, owner, retry);
  }
  markDeliveryFailed(deliveryId: string, owner: string, failure: { attempts: number; last_error: string; now: number }): Promise<boolean> {
    return this.atomically((db) => markFailed(db, deliveryId, owner, failure, this.lockModel));
  }
  releaseDeliveryLeases(owner: string | null): Promise<number> {
    return releaseLeases(this.db, owner);
  }
  outboxDepth(now: number): Promise<OutboxDepth> {
    return outboxDepth(this.db, now);
  }
  listDeliveries(query: { alert_id?: string; incident_id?: string; status?: DeliveryStatus; channel?: string; limit: number }): Promise<OutboxDelivery[]> {
    return listDeliveries(this.db, query);
  }
  deliveryTimings(query: { from: number; to: number; channel?: string }): Promise<DeliveryTiming[]> {
    return deliveryTimings(this.db, query);
  }
  deliverySubject(alertId: string | null, incidentId: string | null): Promise<DeliverySubject> {
    return deliverySubject(this.db, alertId, incidentId);
  }
}
