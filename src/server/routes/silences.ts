import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentSilence } from '../../alerting/present.js';
import { Matcher, PagedOf, SilenceView } from './alerting-schemas.js';
import { timeParam } from './predictions.js';
import { actorOf } from './audit-actor.js';
import { PageQuery, Timestamp, errorResponses } from './schemas.js';

const Params = Type.Object({ silence_id: Type.String({ maxLength: 64 }) });

/** Silences: maintenance windows by matchers, persisted (they hold across restarts). */
export const silenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const silences = () => app.ctx.alerting.silences;
  const now = () => app.ctx.clock();

  app.post(
    '/api/v1/silences',
    {
      schema: {
        tags: ['silences'],
        summary: 'Create a silence',
        description:
          'Alerts whose labels match every matcher (model_id, metric, severity, rule_id, component, and Alertmanager labels; `=~`/`!~` are anchored regular expressions) between starts_at and ends_at are suppressed, with the reason in the decision log. Resolved notices still go out.',
        body: Type.Object(
          {
            matchers: Type.Array(Matcher, { minItems: 1, maxItems: 20 }),
            starts_at: Type.Optional(Timestamp),
            ends_at: Timestamp,
            created_by: Type.String({ minLength: 1, maxLength: 200 }),
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SilenceView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const startsAt = b.starts_at === undefined ? undefined : timeParam(String(b.starts_at), 'starts_at');
      const endsAt = timeParam(String(b.ends_at), 'ends_at')!;
      const silence = await silences().create({ matchers: b.matchers, starts_at: startsAt, ends_at: endsAt, created_by: b.created_by, comment: b.comment }, actorOf(request));
      return reply.status(201).send(presentSilence(silence, now()));
    },
  );

  app.get(
    '/api/v1/silences',
    {
      schema: {
        tags: ['silences'],
        summary: 'Silences, newest first (active, pending and expired; filter by state)',
        querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('pending'), Type.Literal('expired')])), ...PageQuery }),
        response: { 200: PagedOf(SilenceView), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await silences().list({ limit: q.limit ?? 100, cursor: q.cursor, state: q.state });
      return { items: page.items.map((s) => presentSilence(s, now())), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/silences/:silence_id',
    { schema: { tags: ['silences'], summary: 'One silence', params: Params, response: { 200: SilenceView, ...errorResponses } } },
    async (request) => presentSilence(await silences().get(request.params.silence_id), now()),
  );

  app.delete(
    '/api/v1/silences/:silence_id',
    { schema: { tags: ['silences'], summary: 'Expire a silence now (it stays listed as expired)', params: Params, response: { 200: SilenceView, ...errorResponses } } },
    async (request) => presentSilence(await silences().expire(request.params.silence_id, actorOf(request)), now()),
  );
};
