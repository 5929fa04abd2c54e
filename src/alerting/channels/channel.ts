import type { DeliveryKind } from '../../store/delivery-store.js';
import type { Notification } from '../delivery/notification.js';
import type { RateLimit } from '../delivery/rate-limiter.js';

export type ChannelType = 'slack' | 'email' | 'webhook' | 'pagerduty' | 'console' | 'file';
export const CHANNEL_TYPES: readonly ChannelType[] = ['slack', 'email', 'webhook', 'pagerduty', 'console', 'file'];

/** What the worker gives a channel for one attempt. */
export interface SendContext {
  /** aborts when the attempt times out (or the worker is stopped hard): stop waiting then */
  signal: AbortSignal;
  /** the timeout behind `signal`, for messages */
  timeoutMs: number;
  /** 1 for the first attempt */
  attempt: number;
  /** the worker's clock at the start of the attempt (epoch ms) */
  now: number;
}

/** What the receiver said when it accepted a notification (logged; never holds secrets). */
export interface SendReceipt {
  detail?: string;
}

/** A channel as the API lists it: no secret, only enough to recognise the destination. */
export interface ChannelView {
  name: string;
  type: ChannelType;
  /** the destination with secrets masked (`https://hooks.slack.com/…`, `smtp://alerts:***@mail:587`) */
  destination: string;
  rate_limit: RateLimit | null;
  timeout_ms: number;
  /** `true` for a channel no configuration named (the built-in console) */
  builtin: boolean;
}

/**
 * A configured destination. `send` resolves when the receiver accepted the notification and
 * throws a DeliveryError (or anything else, read as retryable) when it did not. Every send
 * carries the notification's idempotency key in the form the receiver can use to drop repeats.
 */
export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /**
   * The destination its rate limit applies to (a webhook URL, an SMTP server): channels that
   * send to the same place share a bucket. Holds secrets: never log it.
   */
  readonly destinationKey: string;
  readonly rateLimit: RateLimit | null;
  readonly timeoutMs: number;
  /** Kinds it has something to send for; others are recorded as sent without a send (PagerDuty has no comments). */
  accepts(kind: DeliveryKind): boolean;
  send(notification: Notification, ctx: SendContext): Promise<SendReceipt>;
  view(): ChannelView;
  close?(): Promise<void>;
}
