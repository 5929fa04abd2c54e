import { hostname } from 'node:os';
import { ulid } from '../../domain/ids.js';
import type { DeliveryKind, DeliveryStore, OutboxDelivery } from '../../store/delivery-store.js';
import type { Channel } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { type DeliveryError, thrownFailure } from './delivery-error.js';
import type { WorkerSettings } from './delivery-config.js';
import { toNotification } from './notification.js';
import { RateLimiter } from './rate-limiter.js';
import { nextStep } from './retry-policy.js';
import { systemClock, type WorkerClock } from './worker-clock.js';

export type WorkerLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** What the worker reports as it goes (metrics). */
export interface DeliveryObserver {
  /** one send finished (accepted or not); `durationMs` is wall time spent on it */
  attempt?(d: { channel: string; type: string; ok: boolean; durationMs: number }): void;
  /** a delivery was recorded as sent; `latencyMs` runs from its outbox row's creation */
  sent?(d: { channel: string; type: string; kind: DeliveryKind; latencyMs: number; attempts: number }): void;
  retried?(d: { channel: string; type: string; reason: string }): void;
  failed?(d: { channel: string; type: string }): void;
}

export interface DeliveryWorkerOptions {
  outbox: DeliveryStore;
  channels: ChannelRegistry;
  settings: WorkerSettings;
  /** server.public_url: links in notifications */
  publicUrl: string;
  clock?: WorkerClock;
  /** [0, 1): backoff jitter */
  random?: () => number;
  /** names this worker's leases; unique per process by default */
  owner?: string;
  log?: WorkerLog;
  observer?: DeliveryObserver;
  /**
   * Only this process uses the store (SQLite): leases found at start belong to a run that died,
   * so they are released at once instead of waiting for them to expire.
   */
  releaseLeasesAtStart?: boolean;
}

const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** the id of the request that caused a delivery (outbox.ts puts it in the payload), for its log lines */
const requestOf = (d: OutboxDelivery) => (typeof d.payload.request_id === 'string' ? { request_id: d.payload.request_id } : {});
/** "unlimited": lets a destination without a rate limit still be paused by its Retry-After */
const UNLIMITED = { per_second: 1e9, burst: 1e9 };

/**
 * Drains the outbox: claims due deliveries with a lease, sends each through its channel, and
 * records the result (sent; retry at a backoff or Retry-After time; failed). At most
 * `concurrency` sends are in flight; a finished send wakes the loop at once, so the next
 * delivery of the same incident goes out without waiting for a poll. `wake()` does the same for
 * whoever has just committed outbox rows. `stop()` finishes the sends in flight.
 */
export class DeliveryWorker {
  readonly owner: string;
  private readonly clock: WorkerClock;
  private readonly random: () => number;
  private readonly log: WorkerLog;
  private readonly limiter = new RateLimiter();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private loopDone: Promise<void> | null = null;
  private woken = false;
  private wakeWaiter: (() => void) | null = null;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${ulid()}`;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
  }

  /** Start the claim loop (once). */
  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.loop();
  }

  /** New outbox rows were committed: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    const w = this.wakeWaiter;
    this.wakeWaiter = null;
    w?.();
  }

  /** Stop claiming, let the sends in flight finish and record their results. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.loopDone;
    await Promise.all(this.inFlight);
  }

  /** One claim and every send of it, awaited (tests and simulations drive the worker with this). */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.options.settings.concurrency);
    await Promise.all(claimed.map((d) => this.process(d)));
    return claimed.length;
  }

  private async claim(limit: number): Promise<OutboxDelivery[]> {
    return this.options.outbox.claimDeliveries({ owner: this.owner, now: this.clock.now(), leaseMs: this.options.settings.lease_ms, limit });
  }

  private async loop(): Promise<void> {
    const { settings, outbox } = this.options;
    if (this.options.releaseLeasesAtStart) {
      const n = await outbox.releaseDeliveryLeases(null).catch(() => 0);
      if (n > 0) this.log('info', 'released deliveries a previous run had claimed', { deliveries: n });
    }
    while (!this.stopping.signal.aborted) {
      this.woken = false;
      const free = settings.concurrency - this.inFlight.size;
      let claimed: OutboxDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (e) {
          this.log('error', 'could not claim deliveries', { err: (e as Error).message });
        }
      }
      for (const d of claimed) {
        const p: Promise<void> = this.process(d).finally(() => {
          this.inFlight.delete(p);
          this.wake();
        });
        this.inFlight.add(p);
      }
      if (claimed.length > 0 && claimed.length === free) continue;
      await this.waitForWake(settings.poll_interval_ms);
    }
  }

  private async waitForWake(ms: number): Promise<void> {
    if (this.woken || this.stopping.signal.aborted) return;
    const cancel = new AbortController();
    await Promise.race([this.clock.sleep(ms, cancel.signal), new Promise<void>((r) => (this.wakeWaiter = r))]);
    cancel.abort();
    this.wakeWaiter = null;
  }

  /** Send one claimed delivery and record what happened. Never throws. */
  private async process(d: OutboxDelivery): Promise<void> {
    const { outbox } = this.options;
    const channel = this.options.channels.get(d.channel);
    const fields = { delivery_id: d.delivery_id, channel: d.channel, kind: d.kind, alert_id: d.alert_id, incident_id: d.incident_id, ...requestOf(d) };
    try {
      if (!channel) {
        await outbox.markDeliveryFailed(d.delivery_id, this.owner, { attempts: d.attempts, last_error: `channel "${d.channel}" is not configured`, now: this.clock.now() });
        this.log('error', 'delivery failed: its channel is not configured', fields);
        this.options.observer?.failed?.({ channel: d.channel, type: 'unknown' });
        return;
      }
      if (!channel.accepts(d.kind)) {
        // e.g. a comment for PagerDuty: nothing to send, and later events must not wait for it
        await this.recordSent(d, channel, d.attempts);
        return;
      }
      if (!(await this.awaitRateSlot(d, channel))) return;
      await this.attempt(d, channel);
    } catch (e) {
      // the store failed us: the lease runs out and the delivery is tried again (receivers drop a repeat)
      this.log('error', 'could not record a delivery result', { ...fields, err: (e as Error).message });
    }
  }

  /** Wait for the destination's next slot, or put the delivery back when that is too long. False when put back. */
  private async awaitRateSlot(d: OutboxDelivery, channel: Channel): Promise<boolean> {
    const now = this.clock.now();
    if (!channel.rateLimit && this.limiter.pausedUntil(channel.destinationKey) <= now) return true;
    const slot = this.limiter.reserve(channel.destinationKey, channel.rateLimit ?? UNLIMITED, now, this.options.settings.max_rate_wait_ms);
    if (slot.reserved && slot.waitMs > 0) await this.clock.sleep(slot.waitMs, this.stopping.signal);
    if (slot.reserved && !this.stopping.signal.aborted) return true;
    // back to the outbox without spending an attempt
    await this.options.outbox.scheduleDeliveryRetry(d.delivery_id, this.owner, { attempts: d.attempts, next_attempt_at: now + slot.waitMs, last_error: d.last_error });
    return false;
  }

  private async attempt(d: OutboxDelivery, channel: Channel): Promise<void> {
    const { outbox, settings } = this.options;
    const needsSubject = (d.alert_id !== null && !isObj(d.payload.alert)) || (d.incident_id !== null && !isObj(d.payload.incident));
    const subject = needsSubject ? await outbox.deliverySubject(d.alert_id, d.incident_id) : { alert: null, incident: null };
    const notification = toNotification(d, subject, this.options.publicUrl);
    const attempts = d.attempts + 1;
    const started = this.clock.now();
    let failure: DeliveryError | null = null;
    const t0 = performance.now();
    try {
      const receipt = await channel.send(notification, { signal: AbortSignal.timeout(channel.timeoutMs), timeoutMs: channel.timeoutMs, attempt: attempts, now: started });
      this.log('debug', 'delivered', { delivery_id: d.delivery_id, channel: d.channel, kind: d.kind, attempts, detail: receipt.detail, ...requestOf(d) });
    } catch (e) {
      failure = thrownFailure(e, channel.timeoutMs);
    }
    this.options.observer?.attempt?.({ channel: d.channel, type: channel.type, ok: failure === null, durationMs: performance.now() - t0 });
    if (d.lease_until !== null && this.clock.now() > d.lease_until) {
      this.log('warn', 'the lease ended while sending: another worker may send it too (receivers drop the repeat by its idempotency key); raise delivery.lease', {
        delivery_id: d.delivery_id,
        channel: d.channel,
        lease_until: new Date(d.lease_until).toISOString(),
      });
    }
    if (!failure) return this.recordSent(d, channel, attempts);

    const now = this.clock.now();
    const step = nextStep(failure, attempts, d.created_at, now, settings.retry, this.random);
    if (failure.retryAfterMs !== null) this.limiter.pause(channel.destinationKey, now + Math.min(failure.retryAfterMs, settings.retry.max_retry_after_ms), channel.rateLimit, now);
    const fields = { delivery_id: d.delivery_id, channel: d.channel, kind: d.kind, attempts, error: failure.message, ...requestOf(d) };
    if (step.action === 'retry') {
      await outbox.scheduleDeliveryRetry(d.delivery_id, this.owner, { attempts, next_attempt_at: step.at, last_error: failure.message });
      this.log('warn', 'delivery attempt failed; will retry', { ...fields, retry_at: new Date(step.at).toISOString(), reason: step.reason });
      this.options.observer?.retried?.({ channel: d.channel, type: channel.type, reason: step.reason });
    } else {
      await outbox.markDeliveryFailed(d.delivery_id, this.owner, { attempts, last_error: step.reason, now });
      this.log('error', 'delivery failed', { ...fields, reason: step.reason });
      this.options.observer?.failed?.({ channel: d.channel, type: channel.type });
    }
  }

  /** The receiver has it: record that, trying the store a few times before leaving it to the lease. */
  private async recordSent(d: OutboxDelivery, channel: Channel, attempts: number): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        const now = this.clock.now();
        await this.options.outbox.markDeliverySent(d.delivery_id, { now, attempts });
        this.options.observer?.sent?.({ channel: d.channel, type: channel.type, kind: d.kind, latencyMs: now - d.created_at, attempts });
        return;
      } catch (e) {
        if (i >= 2) throw e;
        await systemClock.sleep(100 * (i + 1));
      }
    }
  }
}
