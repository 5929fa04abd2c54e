import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Config, type ConfigExtensions } from '../config/config.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { type RunningDelivery, startDeliveryWorker } from '../alerting/delivery/start-delivery.js';
import { SELF_MONITORING_JOB, runSelfMonitoring } from '../alerting/self-monitoring.js';
import { RETRAIN_TRIGGER_JOB } from '../registry/lifecycle-services.js';
import { AnalysisScheduling, type AnalysisSchedulingOptions } from '../scheduler/analysis-jobs.js';
import { type Scheduler, assertSchedulerConfig, createScheduler } from '../scheduler/scheduler.js';
import { LeaseTickGate } from '../scheduler/lease-tick-gate.js';
import { createApiKey } from './auth/api-keys.js';
import { clusterCheck } from './cluster-readiness.js';
import { buildApp } from './app.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** the admin key created on first start (printed once), if any */
  bootstrapKey?: string;
  /** retention (and later jobs), when `scheduler.enabled` */
  scheduler?: Scheduler;
  /** on PostgreSQL: the tick leases this instance shares with the others */
  gate?: LeaseTickGate;
  /** the per-model analysis jobs on that scheduler */
  analyses?: AnalysisScheduling;
  /** the delivery worker draining the outbox (absent when `delivery.enabled` is false) */
  delivery?: RunningDelivery;
  close(): Promise<void>;
}

/** Open the store, create the first admin key on a fresh install, listen, and close gracefully on SIGTERM/SIGINT. */
export async function startServer(
  config: Config & { extensions: ConfigExtensions },
  options: { handleSignals?: boolean; print?: (line: string) => void; scheduling?: Omit<AnalysisSchedulingOptions, 'log'> } = {},
): Promise<RunningServer> {
  if (config.scheduler.enabled) assertSchedulerConfig(config);
  const storeConfig = {
    databaseUrl: config.store.database_url,
    pgSchema: config.store.pg_schema,
    sqlitePath: config.store.sqlite_path,
    sqliteSynchronous: config.store.sqlite_synchronous,
    pgPoolSize: config.store.pg_pool_size,
  };
  // several instances may start together: migrations run under Kysely's lock, the first key under ours
  const store = await createStore(storeConfig);
  const bootstrapKey = await store.transaction(async (tx) => {
    await tx.cluster.lock('bootstrap admin key');
    if ((await tx.countActiveApiKeys()) > 0 || (await tx.listApiKeys()).length > 0) return undefined;
    return (await createApiKey(tx, 'bootstrap admin', ['admin'], Date.now())).token;
  });
  if (bootstrapKey) {
    (options.print ?? console.log)(
      `\nNo API key existed, so an admin key was created. It is shown this once; keep it safe:\n\n  ${bootstrapKey}\n\nCreate more with \`driftwatch keys create\`.\n`,
    );
  }
  // log lines are buffered and written 8 KB at a time, at least every 200 ms (a write to a pipe
  // per line costs as much as a small ingest request); what is buffered is written out at shutdown
  const logStream = pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 200, maxLength: 64 * 2 ** 20 });
  const flushLog = () => {
    try {
      logStream.flushSync();
    } catch {
      // stdout closed or not ready: nothing more can be written
    }
  };
  const app = await buildApp({ config, store, logger: { stream: logStream } });
  // retention keeps the periods of incidents on legal hold (released as `lifecycle.legal_hold` says)
  // one PostgreSQL, several instances: each tick of each job runs on one of them (lease-tick-gate.ts)
  const gate = config.scheduler.enabled && store.capabilities.multiInstance ? new LeaseTickGate(store.cluster, { leaseMs: config.scheduler.lease_ms, log: app.log }) : undefined;
  const scheduler = config.scheduler.enabled ? createScheduler(config, store, app.log, { holds: app.ctx.lifecycle.holds }, gate) : undefined;
  // scheduled retraining recommendations (each model's `triggers.schedule`, monthly by default)
  scheduler?.add({
    name: RETRAIN_TRIGGER_JOB,
    cron: app.ctx.lifecycle.settings.trigger_check_cron,
    configKey: 'lifecycle.trigger_check_cron',
    run: (signal) => app.ctx.lifecycle.triggers.runScheduled(signal),
  });
  // self-monitoring: no analysis for hours, prediction logging stopped (the alerting rules judge the measurements)
  scheduler?.add({
    name: SELF_MONITORING_JOB,
    cron: app.ctx.alerting.config.self_monitoring_cron,
    configKey: 'alerting.self_monitoring_cron',
    run: (signal) => runSelfMonitoring(store, app.ctx.alerting.service, Date.now, signal),
  });
  let schedulerState: 'starting' | 'running' | 'stopping' = 'starting';
  app.ctx.readiness.register('scheduler', () =>
    !scheduler ? { ok: true, detail: 'disabled' } : schedulerState === 'running' ? { ok: true, detail: `${scheduler.jobs().length} job(s)` } : { ok: false, detail: schedulerState },
  );
  app.ctx.readiness.register('cluster', clusterCheck(store, gate));
  const url = await app.listen({ host: config.server.host, port: config.server.port });
  // several processes may share PostgreSQL: the delivery worker gets connections of its own, so a
  // burst of analyses holding the main pool does not hold back the alerts they raise (bench/alerts)
  const deliveryStore = store.capabilities.multiInstance && app.ctx.delivery.settings.enabled ? await createStore({ ...storeConfig, pgPoolSize: 4 }, { migrate: false }) : store;
  const delivery =
    startDeliveryWorker({
      store: deliveryStore,
      setup: app.ctx.delivery,
      publicUrl: config.server.public_url,
      log: (level, msg, fields) => app.log[level](fields ?? {}, msg),
      observer: {
        attempt: (a) => app.ctx.metrics.alerting.deliveryAttempt(a.channel, a.ok, a.durationMs / 1000),
        failed: (d) => app.ctx.metrics.alerting.deliveryGivenUp(d.channel),
      },
      readiness: app.ctx.readiness,
    }) ?? undefined;
  const analyses = scheduler ? new AnalysisScheduling(scheduler, store, app.ctx.monitoring, { refreshMs: config.scheduler.models_refresh_ms, ...options.scheduling, log: app.log }) : undefined;
  scheduler?.start();
  await analyses?.start();
  schedulerState = 'running';
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const timer = setTimeout(() => {
        app.log.error('graceful shutdown timed out; exiting');
        process.exit(1);
      }, config.server.shutdown_timeout_ms);
      timer.unref();
      schedulerState = 'stopping';
      analyses?.stop();
      await scheduler?.stop(); // aborts a running retention between batches
      await app.close(); // stops accepting, waits for in-flight requests and the group-commit writer
      await delivery?.stop(); // sends in flight finish and are recorded; the rest stay in the outbox
      if (deliveryStore !== store) await deliveryStore.close();
      await store.close();
      clearTimeout(timer);
      app.log.info('shut down cleanly');
      flushLog(); // (pino also flushes the stream when the process exits)
    })());
  if (options.handleSignals) {
    const onSignal = (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (e) => {
          app.log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { app, store, url, bootstrapKey, scheduler, gate, analyses, delivery, close };
}
