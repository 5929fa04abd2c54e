/**
 * Severity is always shown as an icon and a word as well as a colour, so it reads without colour
 * (colour-blind users, greyscale print, screen readers).
 */
import type { Severity } from '../api/types';

const META: Record<Severity, { label: string; icon: string; cls: string }> = {
  CRITICAL: { label: 'Critical', icon: '✖', cls: 'sev-critical' },
  WARNING: { label: 'Warning', icon: '▲', cls: 'sev-warning' },
  INFO: { label: 'OK', icon: '✓', cls: 'sev-ok' },
};

export const severityRank = (s: string | null | undefined): number => (s === 'CRITICAL' ? 3 : s === 'WARNING' ? 2 : s === 'INFO' ? 1 : 0);

/** The CSS class of a severity (colours; never the only signal). */
export const severityClass = (s: string | null | undefined): string => (s && s in META ? META[s as Severity].cls : 'sev-none');

export function SeverityBadge({ severity, failed, label }: { severity: Severity | null | undefined; failed?: boolean; label?: string }) {
  if (failed) {
    return (
      <span class="badge sev-critical" title="the analysis failed">
        <span aria-hidden="true">✖</span> {label ?? 'Failed'}
      </span>
    );
  }
  if (!severity || !(severity in META)) {
    return (
      <span class="badge sev-none">
        <span aria-hidden="true">–</span> {label ?? 'No data'}
      </span>
    );
  }
  const m = META[severity];
  return (
    <span class={`badge ${m.cls}`} data-severity={severity}>
      <span aria-hidden="true">{m.icon}</span> {label ?? m.label}
    </span>
  );
}

const STATUS: Record<string, { icon: string; cls: string }> = {
  open: { icon: '●', cls: 'st-open' },
  investigating: { icon: '◐', cls: 'st-investigating' },
  resolved: { icon: '✓', cls: 'st-resolved' },
  pending: { icon: '…', cls: 'st-open' },
  sent: { icon: '➜', cls: 'st-none' },
  failed: { icon: '✖', cls: 'st-open' },
  acknowledged: { icon: '◐', cls: 'st-investigating' },
  active: { icon: '●', cls: 'st-investigating' },
  expired: { icon: '○', cls: 'st-resolved' },
  succeeded: { icon: '✓', cls: 'st-resolved' },
  running: { icon: '…', cls: 'st-investigating' },
  skipped: { icon: '○', cls: 'st-none' },
  completed: { icon: '✓', cls: 'st-resolved' },
};

/** A lifecycle status (incident, alert, silence, job) as icon + word. */
export function StatusBadge({ status }: { status: string }) {
  const m = STATUS[status] ?? { icon: '•', cls: 'st-none' };
  return (
    <span class={`badge ${m.cls}`} data-status={status}>
      <span aria-hidden="true">{m.icon}</span> {status}
    </span>
  );
}
