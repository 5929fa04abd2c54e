import type { FastifyPluginAsync } from 'fastify';
import { alertmanagerRoutes } from './alertmanager.js';
import { alertRoutes } from './alerts.js';
import { auditRoutes } from './audit.js';
import { incidentRoutes } from './incidents.js';
import { ruleRoutes } from './rules.js';
import { silenceRoutes } from './silences.js';

/** Every alerting route: rules, alerts, incidents, silences, the Alertmanager receiver, the audit trail. */
export const alertingRoutes: FastifyPluginAsync = async (app) => {
  await app.register(ruleRoutes);
  await app.register(alertRoutes);
  await app.register(incidentRoutes);
  await app.register(silenceRoutes);
  await app.register(alertmanagerRoutes);
  await app.register(auditRoutes);
};
