import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { toIso } from '../../domain/time.js';
import { AppError, type FieldProblem, validationError } from '../../errors/catalog.js';
import { readNdjson } from '../../ingest/ndjson.js';
import { couldBePrediction } from './lookup.js';
import { errorResponses } from './schemas.js';

const OutcomeResult = Type.Object({
  accepted: Type.Integer({ description: 'outcomes stored (a repeated outcome replaces the earlier one)' }),
  linked: Type.Integer({ description: 'of those, how many already have their prediction' }),
  rejected: Type.Integer(),
  errors: Type.Array(Type.Object({ row: Type.Optional(Type.Integer()), field: Type.String(), problem: Type.String() })),
});

/** Delayed ground truth. */
export const outcomeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/outcomes',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['outcomes'],
        summary: 'Log outcomes (true labels or values) for earlier predictions',
        description:
          'One object, an array, or NDJSON (application/x-ndjson). Each: {model_id, prediction_id, actual, timestamp?}. An outcome that arrives before its prediction is kept and joined when the prediction comes.',
        querystring: Type.Object({ partial: Type.Optional(Type.Boolean({ default: false })), model_id: Type.Optional(Type.String({ maxLength: 128 })) }),
        response: { 200: OutcomeResult, ...errorResponses },
      },
    },
    async (request) => {
      const options = { partial: request.query.partial ?? false, defaultModelId: request.query.model_id };
      if (!isStream(request.body)) return app.ctx.ingest.ingestOutcomes(Array.isArray(request.body) ? request.body : [request.body], options);
      const rows: unknown[] = [];
      const lineErrors: FieldProblem[] = [];
      for await (const items of readNdjson(request.body, app.ctx.config.server.bulk_limit_bytes)) {
        for (const it of items) {
          if ('error' in it) {
            lineErrors.push({ row: it.row, field: '', problem: it.error });
            rows.push(null);
          } else rows.push(it.value);
        }
      }
      if (lineErrors.length && !options.partial) throw validationError(lineErrors.slice(0, 1000));
      const result = await app.ctx.ingest.ingestOutcomes(rows, options);
      if (lineErrors.length) {
        // report why a line was rejected (not JSON), not the placeholder's "must be an object"
        const invalid = new Set(lineErrors.map((e) => e.row));
        result.errors = [...lineErrors, ...result.errors.filter((e) => !invalid.has(e.row!))].sort((a, b) => a.row! - b.row!).slice(0, 1000);
      }
      return result;
    },
  );

  app.get(
    '/api/v1/outcomes/:prediction_id',
    {
      schema: {
        tags: ['outcomes'],
        summary: 'The outcome of one prediction',
        params: Type.Object({ prediction_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ model_id: Type.String({ maxLength: 128 }) }),
      },
    },
    async (request) => {
      const { model_id: modelId } = request.query;
      const o = couldBePrediction(modelId, request.params.prediction_id) ? await app.ctx.store.getOutcome(modelId, request.params.prediction_id) : null;
      if (!o) throw new AppError('not_found', `no outcome for prediction "${request.params.prediction_id}"`);
      return {
        model_id: o.model_id,
        prediction_id: o.prediction_id,
        actual: o.label ?? o.value,
        timestamp: toIso(o.timestamp),
        received_at: toIso(o.received_at),
        prediction_timestamp: o.prediction_ts === null ? null : toIso(o.prediction_ts),
      };
    },
  );
};

const isStream = (v: unknown): v is Readable => typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
