import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseTimestamp, toIso } from '../../domain/time.js';
import { validationError } from '../../errors/catalog.js';
import { presentTrigger } from '../../registry/present.js';
import { modelTimeline } from '../../registry/timeline.js';
import { TRIGGER_KINDS, type TriggerKind } from '../../registry/types.js';
import { actorOf } from './audit-actor.js';
import { findModel } from './lookup.js';
import { assertStorable } from './monitoring-lookup.js';
import { Timestamp, errorResponses } from './schemas.js';

const ModelParams = Type.Object({ model_id: Type.String({ maxLength: 256 }) });
const Any = Type.Unknown();

function time(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v);
  if (Number.isNaN(t)) throw validationError([{ field, problem: 'must be an ISO-8601 date-time or epoch milliseconds' }]);
  return t;
}

/** A model's lifecycle settings, timeline, retraining triggers and imported history. */
export const lifecycleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const lifecycle = () => app.ctx.lifecycle;

  app.get(
    '/api/v1/models/:model_id/lifecycle',
    { schema: { tags: ['registry'], summary: 'The model’s promotion gates and retraining triggers: effective settings and its overrides', params: ModelParams, response: { 200: Any, ...errorResponses } } },
    async (request) => lifecycle().registry.config((await findModel(app.ctx.store, request.params.model_id)).model_id),
  );

  app.put(
    '/api/v1/models/:model_id/lifecycle',
    {
      schema: {
        tags: ['registry'],
        summary: 'Change lifecycle settings (merged over the stored overrides)',
        description: 'e.g. `{"gates": {"latency_p95": {"max_ms": 250}, "sign_off": {"enabled": false}}, "triggers": {"schedule": {"cron": "0 6 * * 1"}, "data_drift": {"psi": 0.25}}}`. Every bad key is named in the 400.',
        params: ModelParams,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: Any, ...errorResponses },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      return lifecycle().registry.updateConfig(model.model_id, request.body, actorOf(request));
    },
  );

  app.get(
    '/api/v1/models/:model_id/timeline',
    {
      schema: {
        tags: ['registry'],
        summary: 'The model’s life, newest first: versions, deployments, baselines, incidents, retraining triggers',
        params: ModelParams,
        querystring: Type.Object({ from: Type.Optional(Timestamp), to: Type.Optional(Timestamp), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 500 })) }),
        response: { 200: Any, ...errorResponses },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const q = request.query;
      return { model_id: model.model_id, items: await modelTimeline(app.ctx.store, model.model_id, { from: time(q.from, 'from'), to: time(q.to, 'to'), limit: q.limit }) };
    },
  );

  app.get(
    '/api/v1/models/:model_id/retrain-triggers',
    {
      schema: {
        tags: ['registry'],
        summary: 'Retraining recommendations that fired, newest first',
        params: ModelParams,
        querystring: Type.Object({ kind: Type.Optional(Type.Union(TRIGGER_KINDS.map((k) => Type.Literal(k)))), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
        response: { 200: Any, ...errorResponses },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const items = await app.ctx.store.lifecycle.listTriggers(model.model_id, { kind: request.query.kind as TriggerKind | undefined, limit: request.query.limit ?? 100 });
      return { items: items.map(presentTrigger) };
    },
  );

  app.post(
    '/api/v1/models/:model_id/retrain-triggers',
    {
      schema: {
        tags: ['registry'],
        summary: 'Recommend retraining by hand (a manual trigger: retrain.recommended goes to the event webhooks)',
        params: ModelParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
        response: { 201: Any, ...errorResponses },
      },
    },
    async (request, reply) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      assertStorable(request.body.reason, 'reason');
      return reply.status(201).send(presentTrigger(await lifecycle().triggers.manual(model.model_id, request.body.reason, actorOf(request))));
    },
  );

  app.get(
    '/api/v1/models/:model_id/history-snapshots',
    {
      schema: {
        tags: ['registry'],
        summary: 'Metric and health snapshots imported from the file-based tracker (metrics.jsonl, health_snapshots.jsonl), oldest first',
        params: ModelParams,
        querystring: Type.Object({
          kind: Type.Optional(Type.Union([Type.Literal('metric'), Type.Literal('health')])),
          from: Type.Optional(Timestamp),
          to: Type.Optional(Timestamp),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
        }),
        response: { 200: Any, ...errorResponses },
      },
    },
    async (request) => {
      const model = await findModel(app.ctx.store, request.params.model_id);
      const q = request.query;
      const items = await app.ctx.store.lifecycle.listSnapshots({ model_id: model.model_id, kind: q.kind, from: time(q.from, 'from'), to: time(q.to, 'to'), limit: q.limit ?? 1000 });
      return { items: items.map((s) => ({ ...s, ts: toIso(s.ts), imported_at: toIso(s.imported_at) })) };
    },
  );
};
