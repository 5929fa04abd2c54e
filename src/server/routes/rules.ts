import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentRule } from '../../alerting/present.js';
import type { RuleInput } from '../../alerting/rule-service.js';
import { RuleBody, RuleView } from './alerting-schemas.js';
import { actorOf } from './audit-actor.js';
import { errorResponses } from './schemas.js';

const Params = Type.Object({ rule_id: Type.String({ maxLength: 256 }) });
const admin = { scope: 'admin' as const };
const conflict = { 409: { $ref: 'ErrorResponse#' } };

/** Alert rules: CRUD (admin scope), every change audited. Builtin rules can be changed or disabled, not deleted. */
export const ruleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const rules = () => app.ctx.alerting.rules;

  app.get(
    '/api/v1/rules',
    { config: admin, schema: { tags: ['rules'], summary: 'Alert rules (builtin and custom)', response: { 200: Type.Object({ items: Type.Array(RuleView) }), ...errorResponses } } },
    async () => ({ items: (await rules().list()).map(presentRule) }),
  );

  app.get(
    '/api/v1/rules/:rule_id',
    { config: admin, schema: { tags: ['rules'], summary: 'One alert rule', params: Params, response: { 200: RuleView, ...errorResponses } } },
    async (request) => presentRule(await rules().get(request.params.rule_id)),
  );

  app.post(
    '/api/v1/rules',
    {
      config: admin,
      schema: {
        tags: ['rules'],
        summary: 'Create an alert rule',
        description:
          'A finding breaches the rule when its metric matches `metric` (exact, `*` segments, or a prefix of whole segments) and every condition set holds: `comparison` + `threshold` on the value, `severity_at_least` on the grade the analysis gave. It fires after `for` consecutive breaching analyses, then not again for the same model and metric within `cooldown`.',
        body: RuleBody,
        response: { 201: RuleView, ...errorResponses, ...conflict },
      },
    },
    async (request, reply) => reply.status(201).send(presentRule(await rules().create(request.body as RuleInput, actorOf(request)))),
  );

  app.patch(
    '/api/v1/rules/:rule_id',
    {
      config: admin,
      schema: { tags: ['rules'], summary: 'Change an alert rule (any subset of its fields; `enabled: false` disables it)', params: Params, body: RuleBody, response: { 200: RuleView, ...errorResponses } },
    },
    async (request) => presentRule(await rules().update(request.params.rule_id, request.body as RuleInput, actorOf(request))),
  );

  app.delete(
    '/api/v1/rules/:rule_id',
    { config: admin, schema: { tags: ['rules'], summary: 'Delete a custom rule (a builtin rule is 409: disable it instead)', params: Params, response: { 200: RuleView, ...errorResponses, ...conflict } } },
    async (request) => presentRule(await rules().delete(request.params.rule_id, actorOf(request))),
  );
};
