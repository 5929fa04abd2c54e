/**
 * The JSON report: the report model as it is (see src/report/types.ts), two-space indented.
 * Values that could not be computed are null in the model already; a stray non-finite number
 * still becomes null here rather than breaking the JSON.
 */
import type { DriftReport } from '../../report/types.js';

export interface RenderJsonOptions {
  /** leave out the histogram data (`distribution`) of every feature */
  readonly withoutDistributions?: boolean;
}

/** Renders a report as a JSON document (ends with \n). */
export function renderJson(report: DriftReport, options: RenderJsonOptions = {}): string {
  const replacer = (key: string, value: unknown): unknown => {
    if (options.withoutDistributions && key === 'distribution') return undefined;
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    return value;
  };
  return JSON.stringify(report, replacer, 2) + '\n';
}
