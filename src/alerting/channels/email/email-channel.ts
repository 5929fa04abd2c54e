import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { DeliveryKind } from '../../../store/delivery-store.js';
import { DeliveryError, thrownFailure } from '../../delivery/delivery-error.js';
import type { Notification } from '../../delivery/notification.js';
import type { RateLimit } from '../../delivery/rate-limiter.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { maskUrl, redact, urlSecrets } from '../secrets.js';
import { emailContent } from './email-content.js';

export interface EmailSettings {
  name: string;
  /** smtp://user:pass@host:587 or smtps://… (nodemailer's connection URL; query options allowed) */
  smtp_url: string;
  from: string;
  to: string[];
  cc: string[];
  rate_limit: RateLimit | null;
  timeout_ms: number;
}

/**
 * nodemailer's SMTP errors: a 4xx reply is temporary, a 5xx reply is not, no reply is a
 * connection problem. A refused login (EAUTH) is retried: it is a configuration mistake an
 * operator fixes, and the alerts should still go out once they have.
 */
function smtpFailure(e: unknown, timeoutMs: number, secrets: string[]): DeliveryError {
  const responseCode = (e as { responseCode?: unknown })?.responseCode;
  const auth = (e as { code?: unknown })?.code === 'EAUTH';
  const failure =
    typeof responseCode === 'number'
      ? new DeliveryError(`SMTP ${responseCode}: ${String((e as Error).message).slice(0, 200)}`, { retryable: responseCode < 500 || auth, status: responseCode })
      : thrownFailure(e, timeoutMs);
  failure.message = redact(failure.message, secrets);
  return failure;
}

/** Email over SMTP with nodemailer: an HTML and a text part, one thread per incident. */
export class EmailChannel implements Channel {
  readonly type = 'email' as const;
  readonly name: string;
  readonly destinationKey: string;
  readonly rateLimit: RateLimit | null;
  readonly timeoutMs: number;
  private readonly transport: Transporter;
  private readonly domain: string;
  private readonly secrets: string[];

  constructor(private readonly settings: EmailSettings) {
    this.name = settings.name;
    this.destinationKey = settings.smtp_url;
    this.rateLimit = settings.rate_limit;
    this.timeoutMs = settings.timeout_ms;
    this.transport = nodemailer.createTransport({
      url: settings.smtp_url,
      connectionTimeout: settings.timeout_ms,
      greetingTimeout: settings.timeout_ms,
      socketTimeout: settings.timeout_ms,
    } satisfies SMTPTransport.Options);
    this.domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(settings.from)?.[1] ?? 'driftwatch.invalid';
    this.secrets = urlSecrets(settings.smtp_url);
  }

  accepts(_kind: DeliveryKind): boolean {
    return true;
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    const content = emailContent(n, this.domain);
    const sending = this.transport.sendMail({ from: this.settings.from, to: this.settings.to, cc: this.settings.cc.length ? this.settings.cc : undefined, ...content });
    // nodemailer has no AbortSignal: stop waiting on abort (its own socket timeout ends the connection)
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(ctx.signal.reason);
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const info = (await Promise.race([sending, aborted])) as { messageId?: string; response?: string };
      return { detail: `smtp ${String(info.response ?? '').slice(0, 60)} ${info.messageId ?? ''}`.trim() };
    } catch (e) {
      sending.catch(() => undefined);
      throw smtpFailure(e, this.timeoutMs, this.secrets);
    } finally {
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  view(): ChannelView {
    return {
      name: this.name,
      type: this.type,
      destination: `${maskUrl(this.settings.smtp_url)} → ${this.settings.to.join(', ')}`,
      rate_limit: this.rateLimit,
      timeout_ms: this.timeoutMs,
      builtin: false,
    };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
