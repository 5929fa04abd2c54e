import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createAlerting } from '../alerting/alerting-services.js';
import { createDeliverySetup } from '../alerting/delivery/delivery-setup.js';
import { MonitoringService } from '../analysis/monitoring-service.js';
import type { Config, ConfigExtensions } from '../config/config.js';
import { GroupCommitWriter } from '../ingest/group-commit.js';
import { IngestService } from '../ingest/ingest-service.js';
import { alertingSnapshotFrom } from '../observability/alerting-source.js';
import { createLifecycle } from '../registry/lifecycle-services.js';
import { AccessLogController } from '../observability/access-log.js';
import { currentLog } from '../observability/log-context.js';
import { loggerOptions, scrubberFor } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ReadinessChecks } from '../observability/readiness.js';
import type { Store } from '../store/store.js';
import { KeyVerifier } from './auth/api-keys.js';
import type { AppContext } from './context.js';
import { registerAuth } from './plugins/auth.js';
import { errorBody, registerErrorHandler } from './plugins/errors.js';
import { registerDrain } from './plugins/drain.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerRequestContext } from './plugins/request-context.js';
import { alertingRoutes } from './routes/alerting.js';
import { channelRoutes } from './routes/channels.js';
import { baselineRoutes } from './routes/baselines.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { deployRoutes } from './routes/deploy.js';
import { evidenceRoutes } from './routes/evidence.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { keyRoutes } from './routes/keys.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { modelRoutes } from './routes/models.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { outcomeRoutes } from './routes/outcomes.js';
import { overviewRoutes } from './routes/overview.js';
import { predictionRoutes } from './routes/predictions.js';
import { recordReportRoutes } from './routes/record-reports.js';
import { registryRoutes } from './routes/registry.js';
import { ErrorResponse } from './routes/schemas.js';
import { sessionRoutes } from './routes/session.js';
import { trendRoutes } from './routes/trends.js';

export interface BuildAppOptions {
  config: Config & { extensions: ConfigExtensions };
  store: Store;
  clock?: () => number;
  /** pino options on top of the app's (tests: level, stream) or false (silent) */
  logger?: boolean | Record<string, unknown>;
  /** where channel env vars (DRIFTWATCH_SLACK_WEBHOOK_URL…) are read; process.env by default */
  env?: NodeJS.ProcessEnv;
}

export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** Build the Fastify app (not listening). Tests use `app.inject`; `serve` calls listen. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const clock = options.clock ?? Date.now;
  const logSecrets = scrubberFor(config, process.env);
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config, logSecrets, typeof options.logger === 'object' ? options.logger : {}),
    // one access line per request (request completed), the id logged as request_id
    logController: new AccessLogController(),
    bodyLimit: config.server.body_limit_bytes,
    // a client's x-request-id is kept when it is a sane token; otherwise a fresh one is made
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
    },
    // errors Fastify answers before routing (a malformed %-escape in the path) get the one shape too
    frameworkErrors: (error, request, reply) => {
      void (reply as FastifyReply).status(400).header('x-request-id', request.id).send(errorBody('bad_request', error.message));
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const metrics = createMetrics({
    enabled: config.metrics.enabled,
    storeBackend: store.backend,
    clock,
    onError: (e) => app.log.warn({ err: e }, 'metrics: reading the store for a scrape failed'),
  });
  const writer = new GroupCommitWriter(store, metrics.enabled ? metrics.ingest.commit : undefined);
  // analyses log into the context of whoever started them (a request: its request id)
  const monitoring = new MonitoringService(store, clock, (level, msg, extra) => currentLog(app.log)[level](extra ?? {}, msg));
  monitoring.onRecord((record) => {
    metrics.monitoring.record(record);
    const { record_id, model_id, status, trigger, sample_count, max_severity } = record;
    currentLog(app.log).info({ record_id, model_id, status, trigger, sample_count, max_severity, duration_ms: Math.round(record.duration_ms) }, 'analysis recorded');
  });
  metrics.seedFrom(() => store.latestRecords('completed'));
  // channels (config file and env) and the delivery worker's settings; the worker runs in startServer
  const delivery = createDeliverySetup(config.extensions, options.env ?? process.env, (level, line, fields) => currentLog(app.log)[level](fields, line));
  for (const secret of delivery.secrets) logSecrets.add(secret);
  const alerting = await createAlerting(store, config.extensions, clock, (level, msg, extra) => currentLog(app.log)[level](extra ?? {}, msg), delivery.configuredNames);
  metrics.alerting.setSource(alertingSnapshotFrom(store, clock));
  metrics.alerting.declareChannels(delivery.channels.names());
  alerting.service.onAlert((alert) => metrics.alerting.alertCreated(alert.severity));
  // registry, retraining triggers, legal holds, evidence export (the `lifecycle:` section)
  const lifecycle = createLifecycle(store, config, { monitoring, audit: alerting.audit, delivery, clock, log: (level, msg, extra) => currentLog(app.log)[level](extra ?? {}, msg) });
  const ctx: AppContext = {
    config,
    store,
    clock,
    writer,
    ingest: new IngestService(store, writer, clock, metrics.ingest.observer),
    keys: new KeyVerifier(store, clock),
    alerting,
    lifecycle,
    delivery,
    monitoring,
    metrics,
    readiness: new ReadinessChecks(),
    logSecrets,
  };
  app.decorate('ctx', ctx);
  // every stored record is judged by the alert rules (errors are logged by the monitoring service)
  ctx.monitoring.onRecord(async (record, model) => {
    await alerting.service.onRecord(record, model);
    delivery.bell.ring(); // its outbox rows are committed: the delivery worker sends them now, not at its next poll
  });
  // ... and by the retraining triggers (data drift on key features, performance drop)
  ctx.monitoring.onRecord(async (record, model) => {
    await lifecycle.triggers.onRecord(record, model);
  });
  // the same after alerting requests that write outbox rows (triggers, acknowledgments, resolutions, Alertmanager)
  // (hooks on every request are callback-style: an async hook costs a promise and a microtask per request)
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && reply.statusCode < 400 && /^\/api\/v1\/(alerts|incidents|integrations)\b/.test(request.url)) delivery.bell.ring();
    done();
  });
  registerRequestContext(app);
  registerDrain(app);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // an answer sent before the body was read to its end (413 or 404 mid-stream, 401 on an upload)
  // closes the connection: the rest of the upload would otherwise sit unread on it, and close()
  // would wait for it forever
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) reply.header('connection', 'close');
    done(null, payload);
  });
  // JSON and NDJSON only: text/plain (a Fastify default) would reach the routes as a bare string
  app.removeContentTypeParser('text/plain');
  // NDJSON bodies reach the route as a stream of any length; the route enforces the byte limit
  app.addContentTypeParser(NDJSON_TYPES, (_request, payload, done) => done(null, payload));
  app.addSchema(ErrorResponse);

  registerErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'driftwatch API',
        version: '0.1.0',
        description: 'Monitoring for machine-learning models in production. Every /api route needs `Authorization: Bearer <API key>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app);
  registerMetrics(app, metrics, config.metrics.token);

  await app.register(healthRoutes);
  await app.register(modelRoutes);
  await app.register(predictionRoutes);
  await app.register(outcomeRoutes);
  await app.register(jobRoutes);
  await app.register(keyRoutes);
  await app.register(baselineRoutes);
  await app.register(monitoringRoutes);
  await app.register(recordReportRoutes);
  await app.register(deployRoutes);
  await app.register(registryRoutes);
  await app.register(lifecycleRoutes);
  await app.register(evidenceRoutes);
  await app.register(alertingRoutes);
  await app.register(channelRoutes);
  await app.register(sessionRoutes);
  await app.register(overviewRoutes);
  await app.register(trendRoutes);
  // last: the dashboard at / (its SPA fallback leaves /api, /docs, /metrics, /health, /ready alone)
  await app.register(dashboardRoutes);

  app.addHook('onClose', async () => {
    await writer.close();
  });
  return app;
}
