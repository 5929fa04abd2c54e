import type { DeliveryKind } from '../../../store/delivery-store.js';
import type { Notification } from '../../delivery/notification.js';
import type { RateLimit } from '../../delivery/rate-limiter.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { postBody } from '../http-post.js';
import { maskUrl, urlSecrets } from '../secrets.js';
import { webhookBody } from './webhook-body.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from './webhook-signature.js';

export interface WebhookSettings {
  name: string;
  url: string;
  /** HMAC key of X-Driftwatch-Signature; unsigned when absent */
  secret: string | null;
  /** extra headers (an Authorization the receiver wants): secrets too */
  headers: Record<string, string>;
  rate_limit: RateLimit | null;
  timeout_ms: number;
}

/**
 * Generic webhook: the notification as JSON, signed (`X-Driftwatch-Signature: sha256=…` over the
 * body), with `X-Driftwatch-Timestamp` and the delivery's `Idempotency-Key`. A receiver that
 * stores the keys it has seen gets every event exactly once, crashes and retries included.
 */
export class WebhookChannel implements Channel {
  readonly type = 'webhook' as const;
  readonly name: string;
  readonly destinationKey: string;
  readonly rateLimit: RateLimit | null;
  readonly timeoutMs: number;
  private readonly secrets: string[];

  constructor(private readonly settings: WebhookSettings) {
    this.name = settings.name;
    this.destinationKey = settings.url;
    this.rateLimit = settings.rate_limit;
    this.timeoutMs = settings.timeout_ms;
    this.secrets = [...urlSecrets(settings.url), ...(settings.secret ? [settings.secret] : []), ...Object.values(settings.headers)];
  }

  accepts(_kind: DeliveryKind): boolean {
    return true;
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    const body = JSON.stringify(webhookBody(n, ctx.now));
    const headers: Record<string, string> = {
      ...this.settings.headers,
      'content-type': 'application/json',
      [IDEMPOTENCY_HEADER]: n.idempotency_key,
      [TIMESTAMP_HEADER]: String(Math.floor(ctx.now / 1000)),
    };
    if (this.settings.secret) headers[SIGNATURE_HEADER] = signBody(body, this.settings.secret);
    const answer = await postBody(this.settings.url, body, headers, ctx, this.secrets);
    return { detail: `webhook ${answer.status}` };
  }

  view(): ChannelView {
    return { name: this.name, type: this.type, destination: maskUrl(this.settings.url), rate_limit: this.rateLimit, timeout_ms: this.timeoutMs, builtin: false };
  }
}
