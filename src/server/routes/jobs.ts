import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toIso } from '../../domain/time.js';
import type { JobRunRecord } from '../../store/store.js';
import { PageQuery, errorResponses } from './schemas.js';

const JobRun = Type.Object({
  id: Type.String(),
  job: Type.String({ description: 'e.g. retention' }),
  model_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
  started_at: Type.String({ description: 'ISO-8601' }),
  finished_at: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'job-specific figures, e.g. predictions deleted per model' }),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const presentJobRun = (r: JobRunRecord) => ({
  id: r.id,
  job: r.job,
  model_id: r.model_id,
  status: r.status,
  started_at: toIso(r.started_at),
  finished_at: r.finished_at === null ? null : toIso(r.finished_at),
  duration_ms: r.finished_at === null ? null : r.finished_at - r.started_at,
  details: r.details,
  error: r.error,
});

/** Job runs (retention, and later analyses), newest first. Needs `read` (or `admin`). */
export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/jobs',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['jobs'],
        summary: 'Job runs, newest first, cursor-paged',
        querystring: Type.Object({
          job: Type.Optional(Type.String({ maxLength: 64, description: 'e.g. retention' })),
          model_id: Type.Optional(Type.String({ maxLength: 128 })),
          status: Type.Optional(Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')])),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(JobRun), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.store.listJobRuns({ job: q.job, model_id: q.model_id, status: q.status, limit: q.limit ?? 100, cursor: q.cursor });
      return { items: page.items.map(presentJobRun), next_cursor: page.next_cursor ?? null };
    },
  );
};
