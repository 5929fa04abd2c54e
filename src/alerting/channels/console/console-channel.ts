import type { DeliveryKind } from '../../../store/delivery-store.js';
import type { Notification } from '../../delivery/notification.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { headline, metricLines, primaryLink } from '../notification-text.js';

/** Where console lines go: the service's logger (pino) in the server, anything in tests. */
export type ConsoleSink = (level: 'info' | 'warn', line: string, fields: Record<string, unknown>) => void;

/**
 * Writes each notification to the service log: one line with the headline and structured
 * fields. Always configured (as `console`) when no channel of that name is, so alerts are never
 * silent on a fresh install.
 */
export class ConsoleChannel implements Channel {
  readonly type = 'console' as const;
  readonly destinationKey: string;
  readonly rateLimit = null;
  readonly timeoutMs = 1000;

  constructor(
    readonly name: string,
    private readonly sink: ConsoleSink,
    private readonly builtin = false,
  ) {
    this.destinationKey = `console:${name}`;
  }

  accepts(_kind: DeliveryKind): boolean {
    return true;
  }

  async send(n: Notification, _ctx: SendContext): Promise<SendReceipt> {
    const level = n.kind === 'trigger' && n.severity !== 'INFO' ? 'warn' : 'info';
    this.sink(level, `alert ${headline(n)}`, {
      channel: this.name,
      event: n.kind,
      idempotency_key: n.idempotency_key,
      alert_id: n.alert_id,
      incident_id: n.incident_id,
      model_id: n.model_id,
      severity: n.severity,
      metrics: metricLines(n),
      link: primaryLink(n),
    });
    return {};
  }

  view(): ChannelView {
    return { name: this.name, type: this.type, destination: 'service log', rate_limit: null, timeout_ms: this.timeoutMs, builtin: this.builtin };
  }
}
