/**
 * Wording and number formats shared by the text and HTML renderers, so both say the same thing.
 */
import type { FeatureDrift, Severity } from '../../report/types.js';

/** A number with 4 significant digits (exponent form for very small or large), '-' for null. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** A share as a percentage with up to one decimal. */
export function formatPercent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/** Integer with thousands separators (1,000,000), locale-independent. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The feature's status word: DRIFT, WARNING (PSI band only), OK, or NO DATA. */
export function featureStatus(f: FeatureDrift): 'DRIFT' | 'WARNING' | 'OK' | 'NO DATA' {
  if (f.decided_by === null) return 'NO DATA';
  if (f.drift_detected || f.severity === 'CRITICAL') return 'DRIFT';
  return f.severity === 'WARNING' ? 'WARNING' : 'OK';
}

/** What to do about a feature, as the source design's drift table says it. */
export function featureAction(f: FeatureDrift): string {
  if (f.decided_by === null) return f.note ?? 'No data';
  if (f.severity === 'CRITICAL') return 'Retrain recommended';
  if (f.drift_detected && f.severity === 'WARNING') return 'Investigate';
  if (f.drift_detected || f.severity === 'WARNING') return 'Monitor';
  return '-';
}

/** The decisive test run of a feature, if any. */
export function decisiveRun(f: FeatureDrift): FeatureDrift['tests'][number] | undefined {
  return f.tests.find((t) => t.test === f.decided_by);
}

export const SEVERITY_ORDER: readonly Severity[] = ['INFO', 'WARNING', 'CRITICAL'];
