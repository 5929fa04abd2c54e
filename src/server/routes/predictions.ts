import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors/catalog.js';
import { parseTimestamp, toIso } from '../../domain/time.js';
import type { IngestOptions, IngestResult } from '../../ingest/ingest-service.js';
import type { PredictionRecord } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { couldBePrediction, findModel } from './lookup.js';
import { IngestResultSchema, PageQuery, errorResponses } from './schemas.js';

const PartialQuery = Type.Object({
  partial: Type.Optional(Type.Boolean({ default: false, description: 'keep good rows and report rejected ones' })),
  model_id: Type.Optional(Type.String({ maxLength: 128, description: 'model of rows that do not name one' })),
});

export function timeParam(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v);
  if (Number.isNaN(t)) throw new AppError('validation_failed', `${field}: must be an ISO-8601 date-time or epoch milliseconds`, { problems: [{ field, problem: 'invalid time' }] });
  return t;
}

export const presentPrediction = (p: PredictionRecord) => ({ ...p, timestamp: toIso(p.timestamp) });

/** Prediction logging and reading back. */
export const predictionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/predictions',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['predictions'],
        summary: 'Log one prediction or an array of predictions',
        description:
          'Validated against the model schema. All or nothing unless ?partial=true. A 2xx means the rows are committed. Idempotent on (model_id, prediction_id). An NDJSON body (application/x-ndjson) is read as by /predictions/bulk.',
        querystring: PartialQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown(), { maxItems: 100_000 })]),
        response: { 200: IngestResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const options = { partial: request.query.partial ?? false, defaultModelId: request.query.model_id };
      const body: unknown = request.body;
      if (isStream(body)) return ingestNdjson(app.ctx, body, options);
      return app.ctx.ingest.ingestPredictions(Array.isArray(body) ? body : [body], options);
    },
  );

  app.post(
    '/api/v1/predictions/bulk',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['predictions'],
        summary: 'Log predictions as an NDJSON stream of any length',
        description: 'Content-Type application/x-ndjson, one prediction per line. Rows are validated as they stream and committed together at the end: all or nothing unless ?partial=true.',
        querystring: PartialQuery,
        response: { 200: IngestResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (!isStream(request.body)) throw new AppError('unsupported_media_type', 'send Content-Type: application/x-ndjson');
      return ingestNdjson(app.ctx, request.body, { partial: request.query.partial ?? false, defaultModelId: request.query.model_id });
    },
  );

  app.get(
    '/api/v1/predictions',
    {
      schema: {
        tags: ['predictions'],
        summary: 'Read logged predictions, oldest first, cursor-paged',
        querystring: Type.Object({
          model_id: Type.String({ maxLength: 128 }),
          from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive' })),
          to: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, exclusive' })),
          ...PageQuery,
        }),
      },
    },
    async (request) => {
      const q = request.query;
      await findModel(app.ctx.store, q.model_id);
      const page = await app.ctx.store.listPredictions({
        model_id: q.model_id,
        from: timeParam(q.from, 'from'),
        to: timeParam(q.to, 'to'),
        limit: q.limit ?? 100,
        cursor: q.cursor,
      });
      return { items: page.items.map(presentPrediction), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/predictions/counts',
    {
      schema: {
        tags: ['predictions'],
        summary: 'Predictions per UTC day',
        querystring: Type.Object({
          model_id: Type.String({ maxLength: 128 }),
          from: Type.Optional(Type.String()),
          to: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      await findModel(app.ctx.store, q.model_id);
      const to = timeParam(q.to, 'to') ?? app.ctx.clock() + 1;
      const from = timeParam(q.from, 'from') ?? to - 30 * 86_400_000;
      const days = await app.ctx.store.countPredictionsByDay(q.model_id, from, to);
      return { model_id: q.model_id, from: toIso(from), to: toIso(to), total: days.reduce((s, d) => s + d.count, 0), days };
    },
  );

  app.get(
    '/api/v1/predictions/:prediction_id',
    {
      schema: {
        tags: ['predictions'],
        summary: 'One prediction, with its outcome when known',
        params: Type.Object({ prediction_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ model_id: Type.String({ maxLength: 128 }) }),
      },
    },
    async (request) => {
      const { model_id: modelId } = request.query;
      const p = couldBePrediction(modelId, request.params.prediction_id) ? await app.ctx.store.getPrediction(modelId, request.params.prediction_id) : null;
      if (!p) throw new AppError('not_found', `no prediction "${request.params.prediction_id}" for model "${request.query.model_id}"`);
      const outcome = await app.ctx.store.getOutcome(request.query.model_id, request.params.prediction_id);
      return {
        ...presentPrediction(p),
        outcome: outcome ? { actual: outcome.label ?? outcome.value, timestamp: toIso(outcome.timestamp) } : null,
      };
    },
  );
};

/**
 * NDJSON of any length: rows are validated chunk by chunk as they stream and committed together
 * at the end (all or nothing unless partial).
 */
async function ingestNdjson(ctx: AppContext, stream: Readable, options: IngestOptions): Promise<IngestResult> {
  const chunks = await ctx.ingest.prepareNdjson(stream, options, { limitBytes: ctx.config.server.bulk_limit_bytes });
  return ctx.ingest.commit(chunks, options, false);
}

const isStream = (v: unknown): v is Readable => typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
