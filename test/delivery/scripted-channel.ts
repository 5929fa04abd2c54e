import type { Channel, ChannelType, ChannelView, SendContext, SendReceipt } from '../../src/alerting/channels/channel.js';
import type { Notification } from '../../src/alerting/delivery/notification.js';
import type { RateLimit } from '../../src/alerting/delivery/rate-limiter.js';
import type { DeliveryKind } from '../../src/store/delivery-store.js';

/** What one send does: resolve, throw, or wait first. */
export type Outcome = (n: Notification, ctx: SendContext) => Promise<SendReceipt> | SendReceipt;

/** An in-process channel whose sends follow a script; records every call with the clock it saw. */
export class ScriptedChannel implements Channel {
  readonly calls: { key: string; kind: DeliveryKind; at: number; attempt: number; incident: string | null }[] = [];
  private readonly script: Outcome[] = [];

  constructor(
    readonly name: string,
    readonly options: { type?: ChannelType; rateLimit?: RateLimit | null; destination?: string; accepts?: DeliveryKind[]; timeoutMs?: number } = {},
  ) {}

  get type(): ChannelType {
    return this.options.type ?? 'webhook';
  }
  get destinationKey(): string {
    return this.options.destination ?? `dest:${this.name}`;
  }
  get rateLimit(): RateLimit | null {
    return this.options.rateLimit ?? null;
  }
  get timeoutMs(): number {
    return this.options.timeoutMs ?? 1000;
  }

  /** The next sends do these, in order; then every send succeeds. */
  then(...outcomes: Outcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  accepts(kind: DeliveryKind): boolean {
    return this.options.accepts ? this.options.accepts.includes(kind) : true;
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    this.calls.push({ key: n.idempotency_key, kind: n.kind, at: ctx.now, attempt: ctx.attempt, incident: n.incident_id });
    const next = this.script.shift();
    return next ? next(n, ctx) : {};
  }

  view(): ChannelView {
    return { name: this.name, type: this.type, destination: 'scripted', rate_limit: this.rateLimit, timeout_ms: this.timeoutMs, builtin: false };
  }
}
