import type { DeliveryKind } from '../../../store/delivery-store.js';
import type { Notification } from '../../delivery/notification.js';
import type { RateLimit } from '../../delivery/rate-limiter.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { postJson } from '../http-post.js';
import { maskKey, maskUrl } from '../secrets.js';
import { PAGERDUTY_ACTIONS, pagerdutyEvent } from './pagerduty-event.js';

export interface PagerDutySettings {
  name: string;
  /** the integration's routing key: a secret */
  routing_key: string;
  /** the Events API URL (tests point it at a local receiver) */
  events_url: string;
  rate_limit: RateLimit | null;
  timeout_ms: number;
}

/** PagerDuty Events API v2: trigger, acknowledge and resolve with the incident as dedup_key. */
export class PagerDutyChannel implements Channel {
  readonly type = 'pagerduty' as const;
  readonly name: string;
  readonly destinationKey: string;
  readonly rateLimit: RateLimit | null;
  readonly timeoutMs: number;

  constructor(private readonly settings: PagerDutySettings) {
    this.name = settings.name;
    // PagerDuty limits per routing key
    this.destinationKey = `${settings.events_url}#${settings.routing_key}`;
    this.rateLimit = settings.rate_limit;
    this.timeoutMs = settings.timeout_ms;
  }

  accepts(kind: DeliveryKind): boolean {
    return PAGERDUTY_ACTIONS.has(kind);
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    const answer = await postJson(this.settings.events_url, pagerdutyEvent(n, this.settings.routing_key), {}, ctx, [this.settings.routing_key]);
    return { detail: `pagerduty ${answer.status} dedup_key=${n.dedup_key}` };
  }

  view(): ChannelView {
    return {
      name: this.name,
      type: this.type,
      destination: `${maskUrl(this.settings.events_url, true)} (routing key ${maskKey(this.settings.routing_key)})`,
      rate_limit: this.rateLimit,
      timeout_ms: this.timeoutMs,
      builtin: false,
    };
  }
}
