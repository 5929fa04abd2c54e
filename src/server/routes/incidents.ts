import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { presentAlert, presentDelivery, presentIncident } from '../../alerting/present.js';
import { assertStorable } from './monitoring-lookup.js';
import { timeParam } from './predictions.js';
import { AlertView, IncidentView, PagedOf, QueryText, Severity } from './alerting-schemas.js';
import { actorOf } from './audit-actor.js';
import { PageQuery, errorResponses } from './schemas.js';

const Params = Type.Object({ incident_id: Type.String({ maxLength: 64 }) });
const Status = Type.Union([Type.Literal('open'), Type.Literal('investigating'), Type.Literal('resolved'), Type.Literal('active')], { description: '`active` = open or investigating' });

/** Incidents: list, read (with alerts and deliveries), resolve, comment. */
export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const incidents = () => app.ctx.alerting.incidents;

  app.get(
    '/api/v1/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first',
        querystring: Type.Object({
          model_id: Type.Optional(QueryText(128)),
          status: Type.Optional(Status),
          severity: Type.Optional(Severity),
          from: Type.Optional(Type.String({ description: 'created at or after (ISO-8601 or epoch ms)' })),
          to: Type.Optional(Type.String({ description: 'created before' })),
          ...PageQuery,
        }),
        response: { 200: PagedOf(IncidentView), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.ctx.store.alerting.listIncidents({ ...q, from: timeParam(q.from, 'from'), to: timeParam(q.to, 'to'), limit: q.limit ?? 100 });
      return { items: page.items.map(presentIncident), next_cursor: page.next_cursor ?? null };
    },
  );

  app.get(
    '/api/v1/incidents/:incident_id',
    {
      schema: {
        tags: ['incidents'],
        summary: 'An incident with its alerts and their deliveries (the timeline is `response_actions`)',
        params: Params,
        response: {
          200: Type.Intersect([
            IncidentView,
            Type.Object({
              alerts: Type.Array(AlertView),
              deliveries: Type.Array(Type.Unknown()),
              exported_at: Type.Union([Type.String(), Type.Null()], { description: 'first evidence export (POST /api/v1/evidence/export)' }),
              legal_hold: Type.Unknown({ description: 'the hold on its analysis period (null when none or released), see GET /api/v1/holds' }),
            }),
          ]),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const incident = await incidents().getIncident(request.params.incident_id);
      const [alerts, deliveries, exportedAt] = await Promise.all([
        app.ctx.store.alerting.alertsOfIncident(incident.incident_id),
        app.ctx.store.alerting.deliveriesOf({ incident_id: incident.incident_id }),
        app.ctx.store.lifecycle.incidentExportedAt(incident.incident_id),
      ]);
      return {
        ...presentIncident(incident),
        alerts: alerts.map(presentAlert),
        deliveries: deliveries.map(presentDelivery),
        exported_at: exportedAt === null ? null : new Date(exportedAt).toISOString(),
        legal_hold: app.ctx.lifecycle.holds.holdOf(incident, exportedAt),
      };
    },
  );

  app.post(
    '/api/v1/incidents/:incident_id/resolve',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Resolve an incident',
        description: 'Its alerts are resolved with it and `resolve` notices are queued for every channel that took one of its alerts, even when silences match them now. Resolving a resolved incident changes nothing (`already_resolved: true`).',
        params: Params,
        body: Type.Object({ resolved_by: Type.String({ minLength: 1, maxLength: 256 }), notes: Type.Optional(Type.String({ maxLength: 4000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ incident: IncidentView, already_resolved: Type.Boolean() }), ...errorResponses },
      },
    },
    async (request) => {
      assertStorable(request.body, 'body');
      const r = await incidents().resolve(request.params.incident_id, request.body.resolved_by, request.body.notes ?? null, actorOf(request));
      return { incident: presentIncident(r.incident), already_resolved: r.already };
    },
  );

  app.post(
    '/api/v1/incidents/:incident_id/comments',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Add a comment to the incident timeline',
        params: Params,
        body: Type.Object({ author: Type.String({ minLength: 1, maxLength: 256 }), text: Type.String({ minLength: 1, maxLength: 8000 }) }, { additionalProperties: false }),
        response: { 201: IncidentView, ...errorResponses },
      },
    },
    async (request, reply) => {
      assertStorable(request.body, 'body');
      const incident = await incidents().comment(request.params.incident_id, request.body.author, request.body.text, actorOf(request));
      return reply.status(201).send(presentIncident(incident));
    },
  );
};
