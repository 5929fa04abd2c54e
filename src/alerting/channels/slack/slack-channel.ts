import type { DeliveryKind } from '../../../store/delivery-store.js';
import type { Notification } from '../../delivery/notification.js';
import type { RateLimit } from '../../delivery/rate-limiter.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { postJson } from '../http-post.js';
import { maskUrl, urlSecrets } from '../secrets.js';
import { slackMessage } from './slack-message.js';

export interface SlackSettings {
  name: string;
  /** the incoming webhook's URL: a secret (whoever has it can post) */
  webhook_url: string;
  rate_limit: RateLimit | null;
  timeout_ms: number;
}

/** Slack incoming webhook: a Block Kit message per event (acknowledgment and resolution are follow-up messages). */
export class SlackChannel implements Channel {
  readonly type = 'slack' as const;
  readonly name: string;
  readonly destinationKey: string;
  readonly rateLimit: RateLimit | null;
  readonly timeoutMs: number;

  constructor(private readonly settings: SlackSettings) {
    this.name = settings.name;
    this.destinationKey = settings.webhook_url;
    this.rateLimit = settings.rate_limit;
    this.timeoutMs = settings.timeout_ms;
  }

  accepts(_kind: DeliveryKind): boolean {
    return true;
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    const answer = await postJson(this.settings.webhook_url, slackMessage(n), {}, ctx, urlSecrets(this.settings.webhook_url));
    return { detail: `slack ${answer.status} ${answer.text.slice(0, 40)}`.trim() };
  }

  view(): ChannelView {
    return { name: this.name, type: this.type, destination: maskUrl(this.settings.webhook_url), rate_limit: this.rateLimit, timeout_ms: this.timeoutMs, builtin: false };
  }
}
