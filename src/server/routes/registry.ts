import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentGates, presentStageChange, presentVersion, presentVersionEvent } from '../../registry/present.js';
import { STAGES, type Stage } from '../../registry/types.js';
import { actorOf } from './audit-actor.js';
import { findModel } from './lookup.js';
import { assertStorable } from './monitoring-lookup.js';
import { errorResponses } from './schemas.js';

const ModelParams = Type.Object({ model_id: Type.String({ maxLength: 256 }) });
const VersionParams = Type.Object({ model_id: Type.String({ maxLength: 256 }), version: Type.String({ maxLength: 256 }) });
const StageSchema = Type.Union(STAGES.map((s) => Type.Literal(s)));
const conflict = { 409: { $ref: 'ErrorResponse#' } };
const Any = Type.Unknown();

/** The model registry: versions, stages, promotion gates, sign-off, rollback, history. */
export const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registry = () => app.ctx.lifecycle.registry;

  app.get(
    '/api/v1/models/:model_id/versions',
    { schema: { tags: ['registry'], summary: 'Versions of a model, newest first', params: ModelParams, querystring: Type.Object({ stage: Type.Optional(StageSchema) }), response: { 200: Any, ...errorResponses } } },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      return { items: (await registry().list(model.model_id, request.query.stage as Stage | undefined)).map(presentVersion) };
    },
  );

  app.post(
    '/api/v1/models/:model_id/versions',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a version (development or staging)',
        description:
          'Metrics are the trainer’s offline figures (f1, rmse, disparate_impact…). With `validation_set` (predictions as logged, each optionally with `actual`), its p95 metadata.latency_ms, disparate impact per protected attribute and performance are measured and kept for the promotion gates.',
        params: ModelParams,
        body: Type.Object(
          {
            version: Type.String({ minLength: 1, maxLength: 128 }),
            artifact_uri: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
            metrics: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Number())),
            tags: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 100 })),
            description: Type.Optional(Type.String({ maxLength: 4096 })),
            stage: Type.Optional(Type.Union([Type.Literal('development'), Type.Literal('staging')])),
            validation_set: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...errorResponses, ...conflict },
      },
    },
    async (request, reply) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const { validation_set, ...rest } = request.body;
      assertStorable(rest, 'body');
      const v = await registry().register(model.model_id, request.body, actorOf(request));
      return reply.status(201).send(presentVersion(v));
    },
  );

  app.get(
    '/api/v1/models/:model_id/versions/history',
    { schema: { tags: ['registry'], summary: 'Registry history of a model: registrations, stage changes, deployments, sign-offs, refusals, rollbacks (oldest first)', params: ModelParams, response: { 200: Any, ...errorResponses } } },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      return { items: (await registry().history(model.model_id)).map(presentVersionEvent) };
    },
  );

  app.post(
    '/api/v1/models/:model_id/versions/rollback',
    {
      schema: {
        tags: ['registry'],
        summary: 'Roll back: promote the previous production version again (no gates), archiving the current one',
        params: ModelParams,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false })),
        response: { 200: Any, ...errorResponses, ...conflict },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const reason = request.body?.reason ?? null;
      assertStorable(reason, 'reason');
      return presentStageChange(await registry().rollback(model.model_id, actorOf(request), reason));
    },
  );

  app.get(
    '/api/v1/models/:model_id/versions/:version',
    { schema: { tags: ['registry'], summary: 'One version with its history', params: VersionParams, response: { 200: Any, ...errorResponses } } },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const v = await registry().get(model.model_id, request.params.version);
      return { ...presentVersion(v), history: (await registry().history(model.model_id, v.version)).map(presentVersionEvent) };
    },
  );

  app.get(
    '/api/v1/models/:model_id/versions/:version/gates',
    { schema: { tags: ['registry'], summary: 'What the promotion gates would say now (nothing changes)', params: VersionParams, response: { 200: Any, ...errorResponses } } },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      return presentGates(await registry().evaluate(model.model_id, request.params.version));
    },
  );

  app.post(
    '/api/v1/models/:model_id/versions/:version/promote',
    {
      schema: {
        tags: ['registry'],
        summary: 'Move a version to another stage; to production through the gates',
        description:
          'development → staging → production → archived. Production is reached from staging only, and only when every enabled gate passes (primary metric no worse than production, disparate impact within [0.8, 1.25], p95 latency under 100 ms, sign-off); otherwise 409 with `details.failed_gates` and `details.gates` (every gate with its value and threshold). The previous production version is archived.',
        params: VersionParams,
        body: Type.Object({ stage: StageSchema, notes: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false }),
        response: { 200: Any, ...errorResponses, ...conflict },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      assertStorable(request.body.notes ?? null, 'notes');
      return presentStageChange(await registry().promote(model.model_id, request.params.version, request.body.stage as Stage, actorOf(request), request.body.notes ?? null));
    },
  );

  app.post(
    '/api/v1/models/:model_id/versions/:version/sign-off',
    {
      schema: {
        tags: ['registry'],
        summary: 'Sign a version off for production (the sign-off gate)',
        params: VersionParams,
        body: Type.Optional(Type.Object({ by: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), notes: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false })),
        response: { 200: Any, ...errorResponses, ...conflict },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const actor = actorOf(request);
      assertStorable(request.body ?? null, 'body');
      return presentVersion(await registry().signOff(model.model_id, request.params.version, request.body?.by ?? actor.actor, request.body?.notes ?? null, actor));
    },
  );
};
