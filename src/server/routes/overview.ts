import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OVERVIEW_DAYS, STALE_AFTER_MS, modelOverviews } from '../../analysis/model-overview.js';
import { toIso } from '../../domain/time.js';
import { errorResponses } from './schemas.js';

const Severity = Type.Union([Type.Literal('INFO'), Type.Literal('WARNING'), Type.Literal('CRITICAL'), Type.Null()]);

const ModelOverview = Type.Object({
  model_id: Type.String(),
  name: Type.String(),
  task: Type.String(),
  latest: Type.Union([
    Type.Object(
      {
        record_id: Type.String(),
        status: Type.String(),
        timestamp: Type.String(),
        aggregated_score: Type.Union([Type.Number(), Type.Null()]),
        max_severity: Severity,
        error: Type.Union([Type.String(), Type.Null()]),
      },
      { additionalProperties: true, description: 'the newest record, as GET /monitoring/records lists it' },
    ),
    Type.Null(),
  ]),
  stale: Type.Boolean({ description: `no analysis in the last ${STALE_AFTER_MS / 3_600_000} hours (or never)` }),
  score_series: Type.Array(
    Type.Object({ timestamp: Type.String(), aggregated_score: Type.Union([Type.Number(), Type.Null()]), max_severity: Severity, status: Type.String() }),
    { description: `records of the last ${OVERVIEW_DAYS} days, oldest first` },
  ),
  predictions_per_day: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() }), { description: `the last ${OVERVIEW_DAYS} UTC days, oldest first` }),
  open_incidents: Type.Integer({ description: 'open or investigating incidents' }),
  counts: Type.Object({ critical: Type.Integer(), warning: Type.Integer(), info: Type.Integer(), failed: Type.Integer(), skipped: Type.Integer() }),
});

/** The dashboard's overview: every model's health at a glance, a page of models at a time. */
export const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/overview',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Every model at a glance: newest record, 7-day score series, predictions per day, open incidents, staleness',
        description: 'Paged by model (the order of GET /models). Each model costs a few indexed queries; record bodies are never read.',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'next_cursor of the previous page' })),
        }),
        response: {
          200: Type.Object({
            generated_at: Type.String(),
            stale_after_hours: Type.Number(),
            models: Type.Array(ModelOverview),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const now = app.ctx.clock();
      const started = performance.now();
      const page = await modelOverviews(app.ctx.store, { limit: request.query.limit ?? 50, cursor: request.query.cursor }, now);
      // the store's share of the answer, for the browser's resource timing (the dashboard's speed budget)
      reply.header('server-timing', `store;dur=${(performance.now() - started).toFixed(1)}`);
      return { generated_at: toIso(now), stale_after_hours: STALE_AFTER_MS / 3_600_000, models: page.items, next_cursor: page.next_cursor ?? null };
    },
  );
};
