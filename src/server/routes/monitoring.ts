import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentRecord, presentRecordItem } from '../../analysis/present-monitoring.js';
import { RECORD_RANGES, type RecordRange, recordWindow, summarizeRecords } from '../../analysis/record-listing.js';
import { validationError } from '../../errors/catalog.js';
import { findModel } from './lookup.js';
import { findRecord } from './monitoring-lookup.js';
import { timeParam } from './predictions.js';
import { PageQuery, errorResponses } from './schemas.js';

const Severity = Type.Union([Type.Literal('INFO'), Type.Literal('WARNING'), Type.Literal('CRITICAL'), Type.Null()]);
const Status = Type.Union([Type.Literal('completed'), Type.Literal('skipped'), Type.Literal('failed')]);

const RecordItem = Type.Object({
  record_id: Type.String({ description: 'MON-<year>-<ulid>' }),
  model_id: Type.String(),
  status: Status,
  timestamp: Type.String({ description: 'when the analysis ran (ISO-8601)' }),
  analysis_period: Type.Object({ start: Type.String(), end: Type.String() }),
  trigger: Type.String({ description: 'schedule, manual, deploy or cli' }),
  baseline_id: Type.Union([Type.String(), Type.Null()]),
  sample_count: Type.Integer(),
  aggregated_score: Type.Union([Type.Number(), Type.Null()]),
  max_severity: Severity,
  duration_ms: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
});

const Summary = Type.Object({
  total_records: Type.Integer(),
  critical_count: Type.Integer({ description: 'completed records whose worst finding is CRITICAL, plus failed analyses' }),
  warning_count: Type.Integer(),
  info_count: Type.Integer(),
  skipped_count: Type.Integer(),
  failed_count: Type.Integer(),
  truncated: Type.Optional(Type.Boolean()),
});

/** Analyses on demand and the monitoring records they leave. */
export const monitoringRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/monitoring/analyze-now',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Analyse a model now and answer its monitoring record',
        description: 'The window is the last window_hours (the model setting unless given). The record is completed, skipped (no baseline, too few predictions: it says why) or failed (with the error).',
        body: Type.Object({ model_id: Type.String({ maxLength: 128 }), window_hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366 })) }, { additionalProperties: false }),
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.body.model_id);
      const record = await app.ctx.monitoring.analyze(model.model_id, 'manual', { windowHours: request.body.window_hours });
      return presentRecord(record);
    },
  );

  app.get(
    '/api/v1/monitoring/records',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'Monitoring records, newest first, with summary counts (Flow 5)',
        description: 'Items leave out the metrics and findings (GET /records/:id has them). `summary` counts every record the filters select, not just this page.',
        querystring: Type.Object({
          model_id: Type.Optional(Type.String({ maxLength: 128, description: 'one model; `all` or absent for every model' })),
          range: Type.Optional(Type.Union(Object.keys(RECORD_RANGES).map((k) => Type.Literal(k)), { description: 'records of the last 24h, 7d, 30d or 90d' })),
          from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive (overrides range)' })),
          to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive' })),
          status: Type.Optional(Status),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ records: Type.Array(RecordItem), summary: Summary, next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const modelId = q.model_id && q.model_id !== 'all' ? (await findModel(app.ctx.store, q.model_id)).model_id : undefined;
      const { from, to } = recordWindow(app.ctx.clock(), q.range as RecordRange | undefined, timeParam(q.from, 'from'), timeParam(q.to, 'to'));
      if (from !== undefined && to !== undefined && !(to > from)) throw validationError([{ field: 'to', problem: 'must be after from' }]);
      const filter = { model_id: modelId, from, to, status: q.status };
      const [page, summary] = await Promise.all([
        app.ctx.store.listRecords({ ...filter, limit: q.limit ?? 100, cursor: q.cursor, withoutBody: true }),
        summarizeRecords(app.ctx.store, filter),
      ]);
      return { records: page.items.map(presentRecordItem), summary, next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/monitoring/records/:record_id',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'A monitoring record in full: metrics, findings, aggregated score, worst severity',
        params: Type.Object({ record_id: Type.String({ maxLength: 128 }) }),
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    },
    async (request) => presentRecord(await findRecord(app.ctx.store, request.params.record_id)),
  );
};
