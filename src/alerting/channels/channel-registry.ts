import type { Channel, ChannelView } from './channel.js';
import type { ChannelSpec } from './channel-spec.js';
import { ConsoleChannel, type ConsoleSink } from './console/console-channel.js';
import { EmailChannel } from './email/email-channel.js';
import { FileChannel } from './file/file-channel.js';
import { PagerDutyChannel } from './pagerduty/pagerduty-channel.js';
import { SlackChannel } from './slack/slack-channel.js';
import { WebhookChannel } from './webhook/webhook-channel.js';

/** The name of the channel that always exists (unless configured otherwise): the service log. */
export const BUILTIN_CONSOLE = 'console';

function build(spec: ChannelSpec, sink: ConsoleSink): Channel {
  switch (spec.type) {
    case 'slack':
      return new SlackChannel(spec);
    case 'email':
      return new EmailChannel(spec);
    case 'webhook':
      return new WebhookChannel(spec);
    case 'pagerduty':
      return new PagerDutyChannel(spec);
    case 'file':
      return new FileChannel(spec);
    case 'console':
      return new ConsoleChannel(spec.name, sink);
  }
}

/** The configured channels by name, plus the built-in `console` when no channel takes that name. */
export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  constructor(channels: Iterable<Channel>) {
    for (const c of channels) this.channels.set(c.name, c);
  }

  /** Build channels from validated specs; `sink` receives the console channels' lines. */
  static fromSpecs(specs: readonly ChannelSpec[], sink: ConsoleSink): ChannelRegistry {
    const channels = specs.map((s) => build(s, sink));
    if (!channels.some((c) => c.name === BUILTIN_CONSOLE)) channels.push(new ConsoleChannel(BUILTIN_CONSOLE, sink, true));
    return new ChannelRegistry(channels);
  }

  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  names(): string[] {
    return [...this.channels.keys()].sort();
  }

  /** What the API shows: names, types, masked destinations. */
  views(): ChannelView[] {
    return [...this.channels.values()].map((c) => c.view()).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async close(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.close?.()));
  }
}
