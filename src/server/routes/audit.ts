import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentAudit, presentDecision } from '../../alerting/present.js';
import { timeParam } from './predictions.js';
import { PagedOf, QueryText } from './alerting-schemas.js';
import { PageQuery, errorResponses } from './schemas.js';

const Range = { from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive' })), to: Type.Optional(Type.String({ description: 'exclusive' })) };
const Text = Type.Optional(QueryText(256));

const AuditView = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String({ description: '`key:<api key id>`, or `system`' }),
  action: Type.String({ description: 'e.g. rule.update, silence.create, alert.acknowledge, incident.resolve, key.create, baseline.create, model.deploy' }),
  target_type: Type.String(),
  target_id: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  request_id: Type.Union([Type.String(), Type.Null()]),
});

/** The audit trail and the alerting decision log (admin scope). */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/audit',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, newest first',
        querystring: Type.Object({ actor: Text, action: Text, target_type: Text, target_id: Text, ...Range, ...PageQuery }),
        response: { 200: PagedOf(AuditView), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.alerting.audit.list({ ...q, from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to'), limit: q.limit ?? 100 });
      return { items: page.items.map(presentAudit), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/alerts/decisions',
    {
      schema: {
        tags: ['alerts'],
        summary: 'The alerting decision log, newest first: why each candidate alert was recorded, suppressed, deduplicated, cooling down or inhibited',
        querystring: Type.Object({
          model_id: Text,
          rule_id: Text,
          decision: Type.Optional(Type.Union([Type.Literal('recorded'), Type.Literal('suppressed'), Type.Literal('deduplicated'), Type.Literal('cooling_down'), Type.Literal('inhibited')])),
          ...Range,
          ...PageQuery,
        }),
        response: errorResponses,
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.store.alerting.listDecisions({ ...q, from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to'), limit: q.limit ?? 100 });
      return { items: page.items.map(presentDecision), next_cursor: page.next_cursor ?? null };
    },
  );
};
