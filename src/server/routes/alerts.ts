import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { triggerCandidates } from '../../alerting/external-alerts.js';
import { presentAlert, presentDelivery, presentIncident } from '../../alerting/present.js';
import { assertStorable } from './monitoring-lookup.js';
import { timeParam } from './predictions.js';
import { AlertView, IncidentView, Outcome, PagedOf, QueryText, Severity, outcomeView } from './alerting-schemas.js';
import { actorOf } from './audit-actor.js';
import { PageQuery, errorResponses } from './schemas.js';

const Params = Type.Object({ alert_id: Type.String({ maxLength: 64 }) });
const Status = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('acknowledged'), Type.Literal('resolved')]);
const Range = { from: Type.Optional(Type.String({ description: 'ISO-8601 or epoch ms, inclusive' })), to: Type.Optional(Type.String({ description: 'exclusive' })) };
const Name = Type.String({ minLength: 1, maxLength: 256 });


/** Alerts: external triggers (Flow 4), listing, statistics, acknowledgment (Flow 6). */
export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const alerting = () => app.ctx.alerting;

  app.post(
    '/api/v1/alerts/trigger',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['alerts'],
        summary: 'Raise alerts from an external producer (Flow 4 payload), through silences, dedup and incidents like rule alerts',
        description: 'One alert per metric. `incident_id` links them to that incident (404 when unknown); otherwise they join the open incident of the model and component, or open one at the incident severity (CRITICAL by default). Needs the ingest scope.',
        body: Type.Object(
          {
            incident_id: Type.Optional(Type.String({ maxLength: 64 })),
            severity: Severity,
            metrics: Type.Array(
              Type.Object(
                { metric_name: Type.String({ minLength: 1, maxLength: 256 }), value: Type.Optional(Type.Union([Type.Number(), Type.Null()])), threshold: Type.Optional(Type.Union([Type.Number(), Type.Null()])), affected_groups: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 })) },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
            model_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
            component: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            title: Type.Optional(Type.String({ maxLength: 500 })),
            message: Type.Optional(Type.String({ maxLength: 4000 })),
            channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ results: Type.Array(Outcome) }), ...errorResponses },
      },
    },
    async (request) => {
      assertStorable(request.body, 'body');
      const outcomes = await alerting().service.submit(triggerCandidates(request.body));
      return { results: outcomes.map(outcomeView) };
    },
  );

  app.get(
    '/api/v1/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first',
        querystring: Type.Object({ model_id: Type.Optional(QueryText(128)), severity: Type.Optional(Severity), status: Type.Optional(Status), acknowledged: Type.Optional(Type.Boolean()), incident_id: Type.Optional(QueryText(64)), ...Range, ...PageQuery }),
        response: { 200: PagedOf(AlertView), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.store.alerting.listAlerts({ ...q, from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to'), limit: q.limit ?? 100 });
      return { items: page.items.map(presentAlert), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/alerts/statistics',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alert counts by severity, status and component, acknowledged or not',
        querystring: Type.Object({ model_id: Type.Optional(QueryText(128)), ...Range }),
        response: errorResponses,
      },
    },
    async (request) => {
      const q = request.query;
      return app.ctx.store.alerting.alertStatistics({ model_id: q.model_id, from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to') });
    },
  );

  app.get(
    '/api/v1/alerts/:alert_id',
    { schema: { tags: ['alerts'], summary: 'One alert with its deliveries', params: Params, response: errorResponses } },
    async (request) => {
      const alert = await alerting().incidents.getAlert(request.params.alert_id);
      const deliveries = await app.ctx.store.alerting.deliveriesOf({ alert_id: alert.alert_id });
      return { ...presentAlert(alert), deliveries: deliveries.map(presentDelivery) };
    },
  );

  app.post(
    '/api/v1/alerts/:alert_id/acknowledge',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (Flow 6)',
        description: 'In one transaction: the alert is acknowledged, its incident becomes investigating with a response action, and `acknowledge` notices are queued for the channels that took the alert (Slack follow-up, PagerDuty acknowledge). Acknowledging again changes nothing (`already_acknowledged: true`).',
        params: Params,
        body: Type.Object({ acknowledged_by: Name, notes: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ alert: AlertView, incident: Type.Union([IncidentView, Type.Null()]), already_acknowledged: Type.Boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      assertStorable(request.body, 'body');
      const r = await alerting().incidents.acknowledge(request.params.alert_id, request.body.acknowledged_by, request.body.notes ?? null, actorOf(request));
      return { alert: presentAlert(r.alert), incident: r.incident ? presentIncident(r.incident) : null, already_acknowledged: r.already };
    },
  );
};
