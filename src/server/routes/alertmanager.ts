import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { alertmanagerCandidate, fingerprintOf } from '../../alerting/alertmanager.js';
import { assertStorable } from './monitoring-lookup.js';
import { Outcome, outcomeView } from './alerting-schemas.js';
import { errorResponses } from './schemas.js';

const Labels = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4096 }));
const AmAlert = Type.Object({
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  labels: Labels,
  annotations: Type.Optional(Labels),
  startsAt: Type.Optional(Type.String()),
  endsAt: Type.Optional(Type.String()),
  generatorURL: Type.Optional(Type.String()),
  fingerprint: Type.Optional(Type.String({ maxLength: 128 })),
});

/** Alertmanager's webhook receiver: Prometheus alerts join the same pipeline, incidents and timeline. */
export const alertmanagerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/v1/integrations/alertmanager',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['alerts'],
        summary: "Receive Alertmanager's webhook (payload version 4)",
        description:
          'Configure a webhook receiver with `http_config.authorization.credentials` set to an ingest key. Firing alerts go through silences and dedup (by fingerprint) and join the incident of their `model_id`/`model` label and `component` (else `service`, `job`) label; `severity` maps critical/page → CRITICAL, warning → WARNING, info → INFO. Resolved alerts resolve the alert with that fingerprint, and its incident once every condition has cleared.',
        body: Type.Object({
          version: Type.Optional(Type.String()),
          groupKey: Type.Optional(Type.String()),
          truncatedAlerts: Type.Optional(Type.Integer()),
          status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
          receiver: Type.Optional(Type.String()),
          groupLabels: Type.Optional(Labels),
          commonLabels: Type.Optional(Labels),
          commonAnnotations: Type.Optional(Labels),
          externalURL: Type.Optional(Type.String()),
          alerts: Type.Array(AmAlert, { maxItems: 1000 }),
        }),
        response: { 200: Type.Object({ firing: Type.Array(Outcome), resolved: Type.Array(Type.Object({ fingerprint: Type.String(), alert_ids: Type.Array(Type.String()), incidents_resolved: Type.Array(Type.String()) })) }), ...errorResponses },
      },
    },
    async (request) => {
      assertStorable(request.body.alerts, 'alerts');
      const { service } = app.ctx.alerting;
      const firing = request.body.alerts.filter((a) => a.status === 'firing');
      const outcomes = firing.length ? await service.submit(firing.map(alertmanagerCandidate)) : [];
      const resolved = [];
      for (const a of request.body.alerts.filter((x) => x.status === 'resolved')) {
        const fingerprint = fingerprintOf(a);
        const r = await service.resolveFingerprint(fingerprint, 'alertmanager');
        resolved.push({ fingerprint, alert_ids: r.alerts, incidents_resolved: r.incidents });
      }
      return { firing: outcomes.map(outcomeView), resolved };
    },
  );
};
