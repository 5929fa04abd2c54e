/**
 * The work of `driftwatch report`: option parsing, building and rendering. Loaded by
 * cli/report.ts only when the command runs, so other commands do not pay for the statistics.
 */
import { basename } from 'node:path';
import { buildReport, reportFromInputs } from '../report/build-report.js';
import type { TestSelection } from '../report/feature-drift.js';
import { inputError } from '../report/input-error.js';
import type { ReportInputs } from '../report/read-inputs.js';
import { loadReportSchema } from '../report/schema.js';
import type { ReportSchema } from '../report/schema.js';
import type { DriftReport } from '../report/types.js';
import type { TaskRunner } from '../report/csv/worker-pool.js';
import { getDriftTest } from '../stats/registry.js';

export type ReportFormat = 'json' | 'text' | 'html';

/** Options of `driftwatch report`, as commander passes them. */
export interface ReportCommandOptions {
  readonly reference: string;
  readonly current: string;
  readonly schema: string;
  readonly format?: string;
  readonly out?: string;
  readonly tests?: string;
  readonly threshold?: string;
  readonly driftShare?: string;
  readonly threads?: string;
}

/** `--tests ks,psi` → the registry names (aliases allowed); `all` → every applicable test. */
export function parseTestSelection(text: string | undefined): TestSelection {
  if (text === undefined || text.trim() === '' || text.trim() === 'default') return { mode: 'default' };
  if (text.trim().toLowerCase() === 'all') return { mode: 'all' };
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  return { mode: 'list', names: [...new Set(names.map((n) => testName(n, '--tests')))] };
}

/** `--threshold ks=0.01,psi=0.2` → threshold per registry name. */
export function parseThresholds(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value, ...rest] = part.split('=');
    const v = Number(value);
    if (rest.length > 0 || value === undefined || value.trim() === '' || !Number.isFinite(v)) {
      throw inputError({ file: 'command line', field: '--threshold' }, `"${part}" must be test=number`);
    }
    out[testName(name, '--threshold')] = v;
  }
  return out;
}

function testName(name: string, option: string): string {
  try {
    return getDriftTest(name).name;
  } catch (e) {
    throw inputError({ file: 'command line', field: option }, (e as Error).message);
  }
}

/** The output format: --format, else from --out's extension, else text. */
export function resolveFormat(format: string | undefined, out: string | undefined): ReportFormat {
  if (format !== undefined) {
    if (format === 'json' || format === 'text' || format === 'html') return format;
    throw inputError({ file: 'command line', field: '--format' }, `must be json, text or html (got "${format}")`);
  }
  if (out && /\.html?$/i.test(out)) return 'html';
  if (out && /\.json$/i.test(out)) return 'json';
  return 'text';
}

export function positive(text: string | undefined, option: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0 && v <= max)) throw inputError({ file: 'command line', field: option }, `must be a number in (0, ${max}]`);
  return v;
}

/** The command's options, checked: errors name the option. */
export interface CheckedReportOptions {
  readonly format: ReportFormat;
  readonly selection: TestSelection;
  readonly thresholds: Record<string, number>;
  readonly driftShare?: number;
  readonly threads?: number;
}

export function checkReportOptions(opts: ReportCommandOptions): CheckedReportOptions {
  const threads = positive(opts.threads, '--threads', 64);
  return {
    format: resolveFormat(opts.format, opts.out),
    selection: parseTestSelection(opts.tests),
    thresholds: parseThresholds(opts.threshold),
    driftShare: positive(opts.driftShare, '--drift-share', 1),
    threads: threads === undefined ? undefined : Math.floor(threads),
  };
}

/** The report in `format`; only that format's renderer is loaded. */
export async function renderReport(report: DriftReport, format: ReportFormat): Promise<string> {
  if (format === 'json') return (await import('../analysis/report/render-json.js')).renderJson(report);
  if (format === 'html') return (await import('../analysis/report/render-html.js')).renderHtml(report);
  return (await import('../analysis/report/render-text.js')).renderText(report);
}

/** Tests and renders files already read (the CLI's path, see cli/report.ts). */
export async function finishReport(opts: ReportCommandOptions, schema: ReportSchema, inputs: ReportInputs, runner: TaskRunner): Promise<string> {
  const { format, selection, thresholds, driftShare } = checkReportOptions(opts);
  const report = await reportFromInputs(
    inputs,
    { reference: opts.reference, current: opts.current, schema, selection, thresholds, driftShare },
    runner,
  );
  return renderReport(report, format);
}

/** Builds and renders the report in one call (for programmatic use); returns the document. */
export async function runReportCommand(opts: ReportCommandOptions, runner?: TaskRunner): Promise<string> {
  const { format, selection, thresholds, driftShare, threads } = checkReportOptions(opts);
  const report = await buildReport({
    reference: opts.reference,
    current: opts.current,
    schema: loadReportSchema(opts.schema),
    schemaFile: basename(opts.schema),
    selection,
    thresholds,
    driftShare,
    threads,
    runner,
  });
  return renderReport(report, format);
}
