import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors/catalog.js';
import { parseTimestamp, toIso } from '../../domain/time.js';
import { readNdjson } from '../../ingest/ndjson.js';
import type { PreparedChunk } from '../../ingest/ingest-service.js';
import type { PredictionRecord } from '../../store/store.js';
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
        description: 'Validated against the model schema. All or nothing unless ?partial=true. A 2xx means the rows are committed. Idempotent on (model_id, prediction_id).',
        querystring: PartialQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown(), { maxItems: 100_000 })]),
        response: { 200: IngestResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const rows = Array.isArray(request.body) ? request.body : [request.body];
      return app.ctx.ingest.ingestPredictions(rows, { partial: request.query.partial ?? false, defaultModelId: request.query.model_id });
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
      const options = { partial: request.query.partial ?? false, defaultModelId: request.query.model_id };
      const chunks: PreparedChunk[] = [];
      for await (const items of readNdjson(request.body, app.ctx.config.server.bulk_limit_bytes)) {
        const values: unknown[] = [];
        const lineErrors: PreparedChunk['problems'] = [];
        const firstRow = items[0].row;
        for (const it of items) {
          if ('error' in it) {
            lineErrors.push({ row: it.row, field: '', problem: it.error });
            values.push(undefined);
          } else values.push(it.value);
        }
        const chunk = await app.ctx.ingest.prepare(values, options, firstRow);
        if (lineErrors.length) {
          const invalid = new Set(lineErrors.map((e) => e.row));
          chunk.problems = [...lineErrors, ...chunk.problems.filter((p) => !invalid.has(p.row!))];
        }
        chunks.push(chunk);
      }
      return app.ctx.ingest.commit(chunks, options, false);
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
      if (!(await app.ctx.store.getModel(q.model_id))) throw new AppError('model_not_found', `no model "${q.model_id}" is registered`);
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
      if (!(await app.ctx.store.getModel(q.model_id))) throw new AppError('model_not_found', `no model "${q.model_id}" is registered`);
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
      const p = await app.ctx.store.getPrediction(request.query.model_id, request.params.prediction_id);
      if (!p) throw new AppError('not_found', `no prediction "${request.params.prediction_id}" for model "${request.query.model_id}"`);
      const outcome = await app.ctx.store.getOutcome(request.query.model_id, request.params.prediction_id);
      return {
        ...presentPrediction(p),
        outcome: outcome ? { actual: outcome.label ?? outcome.value, timestamp: toIso(outcome.timestamp) } : null,
      };
    },
  );
};

const isStream = (v: unknown): v is Readable => typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
