import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deployModelVersion } from '../../analysis/deploy-flow.js';
import { presentGates } from '../../registry/present.js';
import { actorOf, audit } from './audit-actor.js';
import { findModel } from './lookup.js';
import { assertStorable } from './monitoring-lookup.js';
import { errorResponses } from './schemas.js';

const DeployAnswer = Type.Object({
  status: Type.Literal('deployed'),
  model_id: Type.String(),
  model_version: Type.String(),
  previous_version: Type.Union([Type.String(), Type.Null()]),
  baseline_snapshot_id: Type.Union([Type.String(), Type.Null()]),
  archived_snapshot_id: Type.Union([Type.String(), Type.Null()]),
  drift_check: Type.Object({
    record_id: Type.String(),
    status: Type.Union([Type.Literal('completed'), Type.Literal('skipped'), Type.Literal('failed')]),
    aggregated_score: Type.Union([Type.Number(), Type.Null()]),
    severity: Type.Union([Type.String(), Type.Null()]),
    message: Type.String(),
  }),
  gates: Type.Optional(Type.Unknown({ description: 'the promotion gates on the deployed version (reported; a deploy is not refused)' })),
});

/** The deploy flow (Flow 7): a new version, its baseline, an immediate drift check. */
export const deployRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/models/deploy',
    {
      schema: {
        tags: ['models'],
        summary: 'Deploy a model version: freeze its baseline, archive the old one, run a drift check now',
        description:
          'With create_baseline (default true) the validation_set (predictions as logged, each optionally with `actual`) becomes the active baseline and the previous one is archived. Then the current window is analysed against it (trigger `deploy`). The version becomes the production version in the model registry (registered when unknown; the previous one archived; GET /api/v1/models/:model_id/versions/history), with the promotion gates reported, not enforced. The work is also a `deploy` job run.',
        body: Type.Object(
          {
            model_id: Type.String({ maxLength: 128 }),
            version: Type.String({ minLength: 1, maxLength: 128 }),
            validation_set: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1 })),
            create_baseline: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: DeployAnswer, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      const model = await findModel(app.ctx.store, body.model_id);
      assertStorable(body.version, 'version');
      const deployed = await deployModelVersion(
        app.ctx.store,
        app.ctx.monitoring,
        { model_id: model.model_id, version: body.version, validation_set: body.validation_set, create_baseline: body.create_baseline, created_by: request.apiKey?.id ?? null },
        app.ctx.clock,
        { service: app.ctx.lifecycle.registry, actor: actorOf(request) },
      );
      await audit(request, {
        action: 'model.deploy',
        target_type: 'model',
        target_id: model.model_id,
        details: { version: deployed.model_version, previous_version: deployed.previous_version, baseline_snapshot_id: deployed.baseline_snapshot_id, archived_snapshot_id: deployed.archived_snapshot_id, record_id: deployed.drift_check.record_id },
      });
      return deployed.gates ? { ...deployed, gates: presentGates(deployed.gates) } : deployed;
    },
  );
};
