import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { readValidationUpload, withLines } from '../../analysis/baseline-upload.js';
import { loadBaseline } from '../../analysis/baseline-profile.js';
import { presentBaseline } from '../../analysis/present-monitoring.js';
import { validationError } from '../../errors/catalog.js';
import type { BaselineRow } from '../../store/monitoring-store.js';
import { NDJSON_TYPES } from '../app.js';
import { audit } from './audit-actor.js';
import { findModel } from './lookup.js';
import { assertStorable, findBaseline, isStream } from './monitoring-lookup.js';
import { timeParam } from './predictions.js';
import { PageQuery, Timestamp, errorResponses } from './schemas.js';

const Version = Type.String({ minLength: 1, maxLength: 128, description: 'the model version the baseline belongs to' });
const Metadata = Type.Record(Type.String(), Type.Unknown(), { description: 'e.g. { "training_date": "2025-03-28", "dataset_version": "v5.2" }' });

const CreateJson = Type.Object(
  {
    model_id: Type.String({ maxLength: 128 }),
    validation_data: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, description: 'predictions as logged, each optionally with `actual` (the true label or value)' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    model_version: Type.Optional(Version),
    metadata: Type.Optional(Metadata),
    activate: Type.Optional(Type.Boolean({ default: true, description: 'make it the active baseline, archiving the previous one' })),
  },
  { additionalProperties: false },
);

const UploadQuery = Type.Object({
  model_id: Type.Optional(Type.String({ maxLength: 128, description: 'the model (uploads only)' })),
  model_version: Type.Optional(Version),
  activate: Type.Optional(Type.Boolean()),
});

const upload = Type.Unknown({ description: 'one prediction per line (NDJSON) or a CSV with the columns of docs/import.md plus `actual`' });

const createSchema = () => ({
  tags: ['baselines'],
  summary: 'Freeze a baseline from validation data, a time range of logged predictions, or an uploaded file',
  description:
    'JSON `{model_id, validation_data}` or `{model_id, from, to}`; or a text/csv or application/x-ndjson body with ?model_id=. Answers the frozen summary (Flow 2). The new baseline becomes active unless activate=false; the previous active one is archived.',
  querystring: UploadQuery,
  body: { content: { 'application/json': { schema: CreateJson }, 'text/csv': { schema: upload }, ...Object.fromEntries(NDJSON_TYPES.map((t) => [t, { schema: upload }])) } },
  response: { 201: Type.Unknown(), ...errorResponses, 413: { $ref: 'ErrorResponse#' }, 415: { $ref: 'ErrorResponse#' } },
});

/** Baselines: create (JSON, range or upload), list, read back verified, activate. */
export const baselineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // CSV uploads reach the route as a stream (this plugin only)
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  const create = async (request: FastifyRequest): Promise<BaselineRow> => {
    const { ctx } = app;
    const createdBy = request.apiKey?.id ?? null;
    const query = request.query as { model_id?: string; model_version?: string; activate?: boolean };
    if (isStream(request.body)) {
      if (!query.model_id) throw validationError([{ field: 'model_id', problem: 'is required as ?model_id= with an upload' }]);
      const model = await findModel(ctx.store, query.model_id);
      const format = String(request.headers['content-type']).startsWith('text/csv') ? 'csv' : 'ndjson';
      const rows = await readValidationUpload(request.body, model, format, ctx.config.server.bulk_limit_bytes);
      const options = { model_version: query.model_version ?? null, activate: query.activate, created_by: createdBy, metadata: { upload: format } };
      return ctx.monitoring.createBaselineFromRows(model.model_id, rows.rows, options).catch((e: unknown) => Promise.reject(withLines(e, rows.lines)));
    }
    const body = request.body as { model_id: string; validation_data?: unknown[]; from?: string | number; to?: string | number; model_version?: string; metadata?: Record<string, unknown>; activate?: boolean };
    const model = await findModel(ctx.store, body.model_id);
    assertStorable(body.metadata, 'metadata');
    assertStorable(body.model_version, 'model_version');
    const options = { model_version: body.model_version ?? null, metadata: body.metadata, activate: body.activate, created_by: createdBy };
    const range = body.from !== undefined || body.to !== undefined;
    if (body.validation_data && range) throw validationError([{ field: 'validation_data', problem: 'send either validation_data or from/to, not both' }]);
    if (body.validation_data) return ctx.monitoring.createBaselineFromRows(model.model_id, body.validation_data, options);
    if (!range) throw validationError([{ field: 'validation_data', problem: 'is required (or a time range from/to of logged predictions)' }]);
    const from = timeParam(body.from === undefined ? undefined : String(body.from), 'from');
    const to = timeParam(body.to === undefined ? undefined : String(body.to), 'to');
    if (from === undefined || to === undefined || !(to > from)) throw validationError([{ field: 'to', problem: 'a range needs both from and to, with to after from' }]);
    return ctx.monitoring.createBaselineFromRange(model.model_id, from, to, options);
  };

  for (const url of ['/api/v1/monitoring/baselines', '/api/v1/monitoring/baselines/create']) {
    const schema = createSchema();
    app.post(url, { schema: url.endsWith('create') ? { ...schema, summary: `${schema.summary} (alias of POST /api/v1/monitoring/baselines)` } : schema }, async (request, reply) => {
      const row = await create(request);
      await audit(request, { action: 'baseline.create', target_type: 'baseline', target_id: row.snapshot_id, details: { model_id: row.model_id, model_version: row.model_version, source: row.source, sample_count: row.sample_count, is_active: row.is_active } });
      return reply.status(201).send(presentBaseline(row, { distributions: true }));
    });
  }

  app.get(
    '/api/v1/monitoring/baselines',
    {
      schema: {
        tags: ['baselines'],
        summary: 'Baselines, newest first, cursor-paged',
        querystring: Type.Object({ model_id: Type.Optional(Type.String({ maxLength: 128, description: 'one model, or all when absent' })), ...PageQuery }),
        response: errorResponses,
      },
    },
    async (request) => {
      const modelId = request.query.model_id ? (await findModel(app.ctx.store, request.query.model_id)).model_id : undefined;
      const page = await app.ctx.store.listBaselines(modelId, { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      return { items: page.items.map((b) => presentBaseline(b)), next_cursor: page.next_cursor ?? null };
    },
  );

  const IdParams = Type.Object({ snapshot_id: Type.String({ maxLength: 128 }) });

  app.get(
    '/api/v1/monitoring/baselines/:snapshot_id',
    { schema: { tags: ['baselines'], summary: 'A baseline in full, its content hash verified (409 when it does not match)', params: IdParams, response: { ...errorResponses, 409: { $ref: 'ErrorResponse#' } } } },
    async (request) => {
      const row = await findBaseline(app.ctx.store, request.params.snapshot_id, true);
      loadBaseline(row); // throws when the stored content no longer matches its hash
      return { ...presentBaseline(row, { full: true }), integrity: 'verified' };
    },
  );

  app.post(
    '/api/v1/monitoring/baselines/:snapshot_id/activate',
    { schema: { tags: ['baselines'], summary: 'Make a baseline the active one of its model (the previous one is archived)', params: IdParams, response: { ...errorResponses, 409: { $ref: 'ErrorResponse#' } } } },
    async (request) => {
      const row = await findBaseline(app.ctx.store, request.params.snapshot_id, true);
      loadBaseline(row); // a baseline that fails its integrity check cannot become active
      const active = await app.ctx.store.activateBaseline(row.snapshot_id, app.ctx.clock());
      await audit(request, { action: 'baseline.activate', target_type: 'baseline', target_id: row.snapshot_id, details: { model_id: row.model_id, was_active: row.is_active } });
      return presentBaseline(active ?? row);
    },
  );
};
