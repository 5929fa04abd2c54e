import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors/catalog.js';
import { DEFAULT_SETTINGS, type Model, assertModelId, parseModelSchema, parseModelSettings } from '../../domain/model-schema.js';
import { toIso } from '../../domain/time.js';
import { PageQuery, errorResponses } from './schemas.js';

const Feature = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('numeric'), Type.Literal('categorical'), Type.Literal('boolean')]),
  required: Type.Optional(Type.Boolean({ default: true })),
  protected: Type.Optional(Type.Boolean({ default: false, description: 'a protected attribute (fairness is computed per group)' })),
  privileged_group: Type.Optional(Type.String()),
  key: Type.Optional(Type.Boolean({ description: 'a key feature (retraining triggers)' })),
});

const ModelBody = Type.Object(
  {
    model_id: Type.String({ description: 'letters, digits, . _ : - (1–128)' }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    task: Type.Union([Type.Literal('binary_classification'), Type.Literal('multiclass_classification'), Type.Literal('regression')]),
    labels: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    positive_label: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    features: Type.Array(Feature),
    explanation_features: Type.Optional(Type.Union([Type.Array(Type.String()), Type.Boolean()])),
    settings: Type.Optional(
      Type.Object({
        retention_days: Type.Optional(Type.Integer()),
        window_hours: Type.Optional(Type.Integer()),
        min_samples: Type.Optional(Type.Integer()),
        schedule: Type.Optional(Type.String()),
      }),
    ),
  },
  { additionalProperties: false },
);

export const presentModel = (m: Model) => ({
  model_id: m.model_id,
  name: m.name,
  description: m.description,
  schema_version: m.schema_version,
  ...m.schema,
  settings: m.settings,
  created_at: toIso(m.created_at),
  updated_at: toIso(m.updated_at),
});

/** Model registration and schema versions. */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/models',
    {
      schema: {
        tags: ['models'],
        summary: 'Register a model with its schema',
        body: ModelBody,
        response: { 201: Type.Unknown(), ...errorResponses, 409: { $ref: 'ErrorResponse#' } },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown as Record<string, unknown>;
      const id = assertModelId(body.model_id);
      const schema = parseModelSchema(body);
      const settings = parseModelSettings(body.settings, DEFAULT_SETTINGS);
      const now = app.ctx.clock();
      const model: Model = {
        model_id: id,
        name: (body.name as string | undefined) ?? id,
        description: (body.description as string | undefined) ?? '',
        schema_version: 1,
        schema,
        settings,
        created_at: now,
        updated_at: now,
      };
      await app.ctx.store.createModel(model);
      return reply.status(201).send(presentModel(model));
    },
  );

  app.get(
    '/api/v1/models',
    { schema: { tags: ['models'], summary: 'List models', querystring: Type.Object(PageQuery) } },
    async (request) => {
      const page = await app.ctx.store.listModels({ limit: request.query.limit ?? 100, cursor: request.query.cursor });
      return { items: page.items.map(presentModel), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/models/:model_id',
    { schema: { tags: ['models'], summary: 'Get a model', params: Type.Object({ model_id: Type.String({ maxLength: 128 }) }) } },
    async (request) => {
      const m = await app.ctx.store.getModel(request.params.model_id);
      if (!m) throw new AppError('model_not_found', `no model "${request.params.model_id}" is registered`);
      return presentModel(m);
    },
  );

  app.get(
    '/api/v1/models/:model_id/schemas',
    { schema: { tags: ['models'], summary: 'Every schema version of a model', params: Type.Object({ model_id: Type.String({ maxLength: 128 }) }) } },
    async (request) => {
      const list = await app.ctx.store.listModelSchemas(request.params.model_id);
      if (list.length === 0) throw new AppError('model_not_found', `no model "${request.params.model_id}" is registered`);
      return { items: list.map((s) => ({ version: s.version, created_at: toIso(s.created_at), ...s.schema })) };
    },
  );

  app.patch(
    '/api/v1/models/:model_id',
    {
      schema: {
        tags: ['models'],
        summary: 'Update a model',
        description: 'Name, description and settings change in place. A changed schema (task, labels, features, explanation_features) becomes a new schema version; stored rows keep the version they were written with.',
        params: Type.Object({ model_id: Type.String({ maxLength: 128 }) }),
        body: Type.Partial(Type.Omit(ModelBody, ['model_id'])),
      },
    },
    async (request) => {
      const body = request.body as unknown as Record<string, unknown>;
      const current = await app.ctx.store.getModel(request.params.model_id);
      if (!current) throw new AppError('model_not_found', `no model "${request.params.model_id}" is registered`);
      const schemaKeys = ['task', 'labels', 'positive_label', 'features', 'explanation_features'];
      const touchesSchema = schemaKeys.some((k) => body[k] !== undefined);
      const schema = touchesSchema ? parseModelSchema({ ...current.schema, ...Object.fromEntries(schemaKeys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]])) }) : undefined;
      const settings = body.settings !== undefined ? parseModelSettings(body.settings, current.settings) : undefined;
      const updated = await app.ctx.store.updateModel(
        current.model_id,
        { name: body.name as string | undefined, description: body.description as string | undefined, schema, settings },
        app.ctx.clock(),
      );
      return presentModel(updated);
    },
  );
};
