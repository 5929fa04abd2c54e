import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toIso } from '../../domain/time.js';
import { errorResponses } from './schemas.js';

const RateLimit = Type.Union([Type.Object({ per_second: Type.Number(), burst: Type.Integer() }), Type.Null()]);
const ChannelView = Type.Object({
  name: Type.String(),
  type: Type.Union(['slack', 'email', 'webhook', 'pagerduty', 'console', 'file'].map((t) => Type.Literal(t))),
  destination: Type.String({ description: 'where it sends, secrets masked (https://hooks.slack.com/…, smtp://user:***@host)' }),
  rate_limit: RateLimit,
  timeout_ms: Type.Integer(),
  builtin: Type.Boolean({ description: 'the console channel that exists when no channel takes its name' }),
  default: Type.Boolean({ description: 'alerts of rules that name no channel go here' }),
  outbox: Type.Object({ pending: Type.Integer(), failed: Type.Integer() }),
});

/** The delivery channels (admin): names, types and masked destinations; never a secret. */
export const channelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/channels',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['alerts'],
        summary: 'Delivery channels and the outbox (secrets masked)',
        description: 'Configured channels (config file `channels:` and environment) with their masked destination, rate limit, and deliveries waiting or given up.',
        response: {
          200: Type.Object({
            items: Type.Array(ChannelView),
            outbox: Type.Object({
              pending: Type.Integer(),
              due: Type.Integer({ description: 'pending and due now (not waiting for a retry)' }),
              failed: Type.Integer(),
              oldest_pending_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const { delivery, alerting, store, clock } = app.ctx;
      const depth = await store.outbox.outboxDepth(clock());
      const perChannel = new Map(depth.by_channel.map((c) => [c.channel, c]));
      const defaults = new Set(alerting.config.default_channels);
      return {
        items: delivery.channels.views().map((v) => ({
          ...v,
          default: defaults.has(v.name),
          outbox: { pending: perChannel.get(v.name)?.pending ?? 0, failed: perChannel.get(v.name)?.failed ?? 0 },
        })),
        outbox: { pending: depth.pending, due: depth.due, failed: depth.failed, oldest_pending_at: depth.oldest_pending_at === null ? null : toIso(depth.oldest_pending_at) },
      };
    },
  );
};
