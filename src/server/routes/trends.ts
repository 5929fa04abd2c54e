import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { metricTrend } from '../../analysis/metric-trend.js';
import { RECORD_RANGES, type RecordRange } from '../../analysis/record-listing.js';
import { toIso } from '../../domain/time.js';
import { validationError } from '../../errors/catalog.js';
import { findModel } from './lookup.js';
import { timeParam } from './predictions.js';
import { errorResponses } from './schemas.js';

const Selector = Type.String({ minLength: 1, maxLength: 300, pattern: '^[^\\u0000-\\u001f]+$' });
const Band = Type.Union([Type.Object({ warning: Type.Number(), critical: Type.Number(), worse: Type.String() }, { additionalProperties: true }), Type.Null()]);

/** A model's metrics over time from its completed records (the dashboard's trend charts). */
export const trendRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/monitoring/trend',
    {
      schema: {
        tags: ['monitoring'],
        summary: "A model's findings and metrics over time, from its completed monitoring records",
        description:
          '`metric` names findings (`data_drift.psi.income`, `fairness.disparate_impact.gender`, `performance.accuracy.drop`): each point has value, threshold and severity, and the series the warning/critical band of the model thresholds. `path` names numbers in the record (`metrics.performance.window.accuracy`, `metrics.performance.rolling.7d.f1`, `labelled_count`, `sample_count`). Both repeat; up to 12 each.',
        querystring: Type.Object({
          model_id: Type.String({ maxLength: 128 }),
          range: Type.Optional(Type.Union(Object.keys(RECORD_RANGES).map((k) => Type.Literal(k)), { default: '30d' })),
          from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive (overrides range)' })),
          to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive' })),
          metric: Type.Optional(Type.Array(Selector, { maxItems: 12 })),
          path: Type.Optional(Type.Array(Selector, { maxItems: 12 })),
        }),
        response: {
          200: Type.Object({
            model_id: Type.String(),
            from: Type.String(),
            to: Type.Union([Type.String(), Type.Null()]),
            records: Type.Integer({ description: 'completed records read' }),
            truncated: Type.Boolean({ description: 'older records were left out (the newest are kept)' }),
            series: Type.Array(
              Type.Object({
                key: Type.String(),
                kind: Type.Union([Type.Literal('finding'), Type.Literal('metric')]),
                band: Band,
                points: Type.Array(
                  Type.Object({
                    timestamp: Type.String(),
                    record_id: Type.String(),
                    value: Type.Union([Type.Number(), Type.Null()]),
                    threshold: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
                    severity: Type.Optional(Type.String()),
                  }),
                ),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const model = await findModel(app.ctx.store, q.model_id);
      const findings = q.metric ?? [];
      const paths = q.path ?? [];
      if (findings.length + paths.length === 0) throw validationError([{ field: 'metric', problem: 'name at least one metric or path' }]);
      const to = timeParam(q.to, 'to');
      const from = timeParam(q.from, 'from') ?? (to ?? app.ctx.clock()) - RECORD_RANGES[(q.range ?? '30d') as RecordRange];
      if (to !== undefined && !(to > from)) throw validationError([{ field: 'to', problem: 'must be after from' }]);
      const trend = await metricTrend(app.ctx.store, model, { from, to, findings, paths });
      return { model_id: model.model_id, from: toIso(from), to: to === undefined ? null : toIso(to), ...trend };
    },
  );
};
