import type { Command } from 'commander';
import { MonitoringService, type RecordListener } from '../analysis/monitoring-service.js';
import { createAlerting } from '../alerting/alerting-services.js';
import { createDeliverySetup } from '../alerting/delivery/delivery-setup.js';
import { presentRecord } from '../analysis/present-monitoring.js';
import { recordToReport } from '../analysis/report/from-record.js';
import { renderText } from '../analysis/report/render-text.js';
import type { Finding } from '../analysis/types.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, loadCommandConfig, type StoreCommandOptions, withStore } from './cli-store.js';

export interface AnalyzeOptions {
  model: string;
  windowHours?: number;
  format: 'json' | 'text';
}

/** Parse the command line options; throws naming the option. */
export function parseAnalyzeOptions(opts: { model: string; windowHours?: string; format?: string }): AnalyzeOptions {
  const format = opts.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw new Error(`--format must be json or text (got "${format}")`);
  let windowHours: number | undefined;
  if (opts.windowHours !== undefined) {
    windowHours = Number(opts.windowHours);
    if (!Number.isInteger(windowHours) || windowHours < 1 || windowHours > 24 * 366) throw new Error('--window-hours must be a whole number of hours from 1 to 8784');
  }
  return { model: opts.model, windowHours, format };
}

/** The record as text: what happened, the findings above INFO, then the drift report. */
export function recordText(record: MonitoringRecordRow, report: string): string {
  const lines = [`${record.record_id}  ${record.model_id}  ${record.status.toUpperCase()}`];
  lines.push(`window ${new Date(record.period_start).toISOString()} – ${new Date(record.period_end).toISOString()}, ${record.sample_count} predictions, baseline ${record.baseline_id ?? '(none)'}`);
  if (record.status === 'skipped') lines.push(`skipped: ${String(record.body.skipped_reason)}`);
  if (record.status === 'failed') lines.push(`failed: ${record.error}`);
  if (record.status !== 'completed') return lines.join('\n') + '\n';
  lines.push(`max severity ${record.max_severity}, aggregated score ${(record.aggregated_score ?? 0).toFixed(3)}`);
  const flagged = (record.body.findings as Finding[]).filter((f) => f.severity !== 'INFO');
  lines.push('', flagged.length ? 'FINDINGS:' : 'FINDINGS: none above INFO');
  for (const f of flagged) {
    const groups = f.affected_groups?.length ? ` affected: ${f.affected_groups.join(', ')}` : '';
    const value = f.value === null ? '-' : Number(f.value.toPrecision(4));
    lines.push(`  ${f.severity.padEnd(8)} ${f.metric} = ${value} (threshold ${f.threshold ?? '-'})${groups}${f.message ? `  ${f.message}` : ''}`);
  }
  return `${lines.join('\n')}\n\n${report}`;
}

/** Run one analysis (trigger `cli`) and render it. Exit code 1 when the analysis failed. */
export async function runAnalyze(
  store: Store,
  options: AnalyzeOptions,
  clock: () => number = Date.now,
  onRecord?: RecordListener,
): Promise<{ output: string; exitCode: number }> {
  const model = await store.getModel(options.model);
  if (!model) throw new Error(`no model "${options.model}" is registered`);
  const monitoring = new MonitoringService(store, clock);
  if (onRecord) monitoring.onRecord(onRecord);
  const record = await monitoring.analyze(model.model_id, 'cli', { windowHours: options.windowHours });
  const exitCode = record.status === 'failed' ? 1 : 0;
  if (options.format === 'json') return { output: JSON.stringify(presentRecord(record), null, 2) + '\n', exitCode };
  const baseline = record.baseline_id ? await store.getBaseline(record.baseline_id) : null;
  const report = record.status === 'completed' ? renderText(recordToReport(record, { baseline, model })) : '';
  return { output: recordText(record, report), exitCode };
}

/** `driftwatch analyze --model M`: analyse a model's current window on the configured store. */
export function registerAnalyze(program: Command): void {
  addStoreOptions(
    program
      .command('analyze')
      .description("analyse a model's current window against its active baseline now, store the record, judge it by the alert rules and print it")
      .requiredOption('-m, --model <model_id>', 'the model to analyse')
      .option('--window-hours <hours>', "window length (default: the model's window_hours setting, 24)")
      .option('--format <format>', 'text or json', 'text'),
  ).action(async (opts: StoreCommandOptions & { model: string; windowHours?: string; format?: string }) => {
    const options = parseAnalyzeOptions(opts);
    const config = loadCommandConfig(opts);
    const { output, exitCode } = await withStore(opts, async (store) => {
      // the record is judged by the alert rules like a scheduled one; a running server's
      // delivery worker sends what this writes to the outbox
      const delivery = createDeliverySetup(config.extensions, process.env, () => undefined);
      const alerting = await createAlerting(store, config.extensions, Date.now, undefined, delivery.configuredNames);
      return runAnalyze(store, options, Date.now, async (record, model) => {
        await alerting.service.onRecord(record, model);
      });
    });
    process.stdout.write(output);
    process.exitCode = exitCode;
  });
}
