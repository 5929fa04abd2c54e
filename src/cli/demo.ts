import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { recordToReport } from '../analysis/report/from-record.js';
import { renderHtml } from '../analysis/report/render-html.js';
import type { Finding } from '../analysis/types.js';
import { loadConfig } from '../config/config.js';
import { seedDemo } from '../demo/seed-demo.js';
import { type RunningServer, startServer } from '../server/server.js';

export interface DemoCommandOptions {
  port?: string;
  host?: string;
  db?: string;
  /** recreate a store file whose name does not say `demo` */
  force?: boolean;
  handleSignals?: boolean;
}

export const DEFAULT_DEMO_DB = './data/demo.db';

/** Delete a previous demo store (and its WAL files); refuse files that do not look like one. */
function recreate(path: string, force: boolean): void {
  if (existsSync(path) && !force && !basename(path).toLowerCase().includes('demo')) {
    throw new Error(`refusing to delete ${path}: the demo recreates its store, and this name does not look like a demo store (pass --force)`);
  }
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
}

/**
 * Start the server on a fresh embedded store seeded with the demo story (seed-demo.ts), write
 * the last record's HTML report next to the store, and return the running server with the
 * lines to print.
 */
export async function runDemo(opts: DemoCommandOptions): Promise<{ server: RunningServer; lines: string[]; reportFile: string }> {
  const path = resolve(opts.db ?? DEFAULT_DEMO_DB);
  recreate(path, opts.force ?? false);
  const env: NodeJS.ProcessEnv = { ...process.env, DRIFTWATCH_DB: path };
  delete env.DATABASE_URL; // always the embedded store: the demo must never write into a real database
  if (opts.port !== undefined) env.DRIFTWATCH_PORT = opts.port;
  if (opts.host !== undefined) env.DRIFTWATCH_HOST = opts.host;
  if (!env.DRIFTWATCH_LOG_LEVEL && !env.LOG_LEVEL) env.DRIFTWATCH_LOG_LEVEL = 'warn'; // request logs would bury the demo's own output
  const config = loadConfig({ env });
  const progress: string[] = [];
  const server = await startServer(config, { handleSignals: opts.handleSignals, print: () => undefined });
  try {
    const { ctx } = server.app;
    const seeded = await seedDemo({ store: ctx.store, ingest: ctx.ingest, monitoring: ctx.monitoring }, { now: ctx.clock(), print: (l) => progress.push(`  ${l}`) });
    await server.analyses?.refresh();
    const last = seeded.days[seeded.days.length - 1].record;
    const baseline = await ctx.store.getBaseline(seeded.snapshotId);
    const reportFile = join(dirname(path), 'demo-report.html');
    writeFileSync(reportFile, renderHtml(recordToReport(last, { baseline, model: seeded.model })));
    const findings = (last.body.findings as Finding[]).filter((f) => f.severity === 'CRITICAL');
    const psi = findings.find((f) => f.metric === 'data_drift.psi.income');
    const di = findings.find((f) => f.metric === 'fairness.disparate_impact.gender');
    const key = server.bootstrapKey ?? '(an admin key already existed)';
    const curl = (url: string) => `  curl -H "Authorization: Bearer ${key}" "${server.url}${url}"`;
    const lines = [
      '',
      `driftwatch demo: ${server.url}  (store: ${path})`,
      `Dashboard: ${server.url}/  (sign in with the admin key below)`,
      '',
      'Seeded through the ingest service and analysed day by day:',
      ...progress,
      '',
      `The last day's record ${last.record_id} is ${last.max_severity}:`,
      ...(psi ? [`  income shifted (PSI ${psi.value?.toFixed(2)}, critical from ${psi.threshold})`] : []),
      ...(di ? [`  approvals of female applicants dropped (disparate impact ${di.value?.toFixed(2)}, critical below ${di.threshold})`] : []),
      '',
      'Admin API key (shown once; the store is recreated on the next `driftwatch demo`):',
      `  ${key}`,
      '',
      'Try:',
      curl(`/api/v1/monitoring/records?model_id=${seeded.model.model_id}&range=7d`),
      curl(`/api/v1/monitoring/records/${last.record_id}/report?format=text`),
      `  open ${reportFile}   (the last record as an HTML report)`,
      `  API docs: ${server.url}/docs`,
      '',
      'The scheduler analyses the model every 6 hours while the server runs. Ctrl-C stops it.',
    ];
    return { server, lines, reportFile };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** `driftwatch demo`: the loan-approval story on a fresh embedded store, left running. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the server on a fresh demo store: a loan-approval model, a baseline, 7 days of traffic with drift and a fairness regression on the last day, analysed')
    .option('-p, --port <port>', 'port to listen on (default 8080)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--db <path>', `SQLite file, deleted and recreated (default ${DEFAULT_DEMO_DB})`)
    .option('--force', 'recreate --db even when its name does not say "demo"')
    .action(async (opts: DemoCommandOptions) => {
      const { lines } = await runDemo({ ...opts, handleSignals: true });
      console.log(lines.join('\n'));
    });
}
