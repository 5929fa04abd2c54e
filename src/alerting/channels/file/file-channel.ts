import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeliveryKind } from '../../../store/delivery-store.js';
import type { Notification } from '../../delivery/notification.js';
import type { Channel, ChannelView, SendContext, SendReceipt } from '../channel.js';
import { webhookBody } from '../webhook/webhook-body.js';

export interface FileSettings {
  name: string;
  /** the JSON-lines file notifications are appended to (created with its directory) */
  path: string;
}

/**
 * Appends each notification as one JSON line (the webhook's body). A line is written with one
 * append call, so readers never see half a line; after a crash between the append and the
 * outbox's record of it the line may appear twice, with the same idempotency_key: readers keep
 * the first line of each key.
 */
export class FileChannel implements Channel {
  readonly type = 'file' as const;
  readonly name: string;
  readonly destinationKey: string;
  readonly rateLimit = null;
  readonly timeoutMs = 5000;
  private dirReady = false;

  constructor(private readonly settings: FileSettings) {
    this.name = settings.name;
    this.destinationKey = `file:${settings.path}`;
  }

  accepts(_kind: DeliveryKind): boolean {
    return true;
  }

  async send(n: Notification, ctx: SendContext): Promise<SendReceipt> {
    if (!this.dirReady) {
      await mkdir(dirname(this.settings.path), { recursive: true });
      this.dirReady = true;
    }
    await appendFile(this.settings.path, `${JSON.stringify(webhookBody(n, ctx.now))}\n`, { encoding: 'utf8', flag: 'a' });
    return {};
  }

  view(): ChannelView {
    return { name: this.name, type: this.type, destination: this.settings.path, rate_limit: null, timeout_ms: this.timeoutMs, builtin: false };
  }
}
