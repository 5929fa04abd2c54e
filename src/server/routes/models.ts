import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, validationError } from '../../errors/catalog.js';
import { DEFAULT_SETTINGS, type Model, assertModelId, parseModelSchema, parseModelSettings } from '../../domain/model-schema.js';
import { toIso } from '../../domain/time.js';
import { findUnstorableText } from '../../ingest/text-checks.js';
import type { Store } from '../../store/store.js';
import { findModel } from './lookup.js';
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
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    task: Type.Union([Type.Literal('binary_classification'), Type.Literal('multiclass_classification'), Type.Literal('regression')]),
    labels: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    // null first: with type coercion on, the string branch would turn null into "" (null clears it in an update)
    positive_label: Type.Optional(Type.Union([Type.Null(), Type.String(), Type.Number(), Type.Boolean()])),
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

/** Names, labels and descriptions end up in the store: no NUL, no lone surrogates (400 naming the field). */
function assertStorable(body: Record<string, unknown>): void {
  const found = findUnstorableText(body, '', 8);
  if (found) throw validationError([found]);
  // rows are read back into plain objects keyed by feature and label: `__proto__` would vanish there
  const names = [
    ...(Array.isArray(body.features) ? body.features.map((f, i) => [`features[${i}].name`, (f as { name?: unknown } | null)?.name] as const) : []),
    ...(Array.isArray(body.labels) ? body.labels.map((l, i) => [`labels[${i}]`, l] as const) : []),
  ];
  const reserved = names.find(([, n]) => n === '__proto__');
  if (reserved) throw validationError([{ field: reserved[0], problem: '"__proto__" is reserved' }]);
}

/**
 * A store write that failed on a constraint because another request got there first (two
 * registrations of one id, two schema changes at once) is a 409, not a 500. Anything else
 * propagates.
 */
async function orConflict<T>(write: () => Promise<T>, raced: () => Promise<boolean>, message: string): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!(e instanceof AppError) && (await raced().catch(() => false))) throw new AppError('conflict', message);
    throw e;
  }
}

const schemaVersion = async (store: Store, id: string) => (await store.getModel(id))?.schema_version;

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
      assertStorable(body);
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
      await orConflict(() => app.ctx.store.createModel(model), async () => (await app.ctx.store.getModel(id)) !== null, `model "${id}" already exists`);
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
      return presentModel(await findModel(app.ctx.store, request.params.model_id));
    },
  );

  app.get(
    '/api/v1/models/:model_id/schemas',
    { schema: { tags: ['models'], summary: 'Every schema version of a model', params: Type.Object({ model_id: Type.String({ maxLength: 128 }) }) } },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const list = await app.ctx.store.listModelSchemas(model.model_id);
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
      const current = await findModel(app.ctx.store, request.params.model_id);
      assertStorable(body);
      const schemaKeys = ['task', 'labels', 'positive_label', 'features', 'explanation_features'];
      const touchesSchema = schemaKeys.some((k) => body[k] !== undefined);
      const schema = touchesSchema ? parseModelSchema({ ...current.schema, ...Object.fromEntries(schemaKeys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]])) }) : undefined;
      const settings = body.settings !== undefined ? parseModelSettings(body.settings, current.settings) : undefined;
      const updated = await orConflict(
        () =>
          app.ctx.store.updateModel(
            current.model_id,
            { name: body.name as string | undefined, description: body.description as string | undefined, schema, settings },
            app.ctx.clock(),
          ),
        async () => (await schemaVersion(app.ctx.store, current.model_id)) !== current.schema_version,
        'the model was changed by another request at the same time; read it again and retry',
      );
      return presentModel(updated);
    },
  );
};
