/** What happened to the lines of one file of the JSONL layout. */
export interface FileSummary {
  file: string;
  present: boolean;
  /** lines (records) read, blank lines not counted */
  read: number;
  /** records written now */
  imported: number;
  /** records already stored by an earlier run, left as they are */
  unchanged: number;
  /** records stored before whose acknowledgment (alerts) or cooldown (rules) was brought up to date */
  updated: number;
  /** records not imported, with why */
  skipped: number;
  /** reasons, most frequent first, each with the line numbers (all of them up to 50) */
  reasons: { reason: string; count: number; lines: number[] }[];
  /** things imported as they were but worth knowing (rules whose metric driftwatch does not produce…) */
  notes: string[];
}

/** The whole migration: per file, plus the model it went into. */
export interface MigrationSummary {
  directory: string;
  model_id: string;
  /** the model did not exist and was created from the predictions (schema inferred) */
  model_created: boolean;
  files: FileSummary[];
  /** outcomes (actual_outcome of prediction lines) written */
  outcomes: number;
  seconds: number;
}

const LINES_KEPT = 50;

/** Counts and reasons of one file, filled as lines are processed. */
export class FileTally {
  readonly summary: FileSummary;
  private readonly byReason = new Map<string, { count: number; lines: number[] }>();

  constructor(file: string, present: boolean) {
    this.summary = { file, present, read: 0, imported: 0, unchanged: 0, updated: 0, skipped: 0, reasons: [], notes: [] };
  }

  skip(line: number, reason: string): void {
    this.summary.skipped++;
    let r = this.byReason.get(reason);
    if (!r) this.byReason.set(reason, (r = { count: 0, lines: [] }));
    r.count++;
    if (r.lines.length < LINES_KEPT) r.lines.push(line);
  }

  note(text: string): void {
    if (!this.summary.notes.includes(text)) this.summary.notes.push(text);
  }

  finish(): FileSummary {
    this.summary.reasons = [...this.byReason].sort((a, b) => b[1].count - a[1].count).map(([reason, r]) => ({ reason, count: r.count, lines: r.lines }));
    return this.summary;
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The validation summary `driftwatch migrate --from-jsonl` prints. */
export function formatMigrationSummary(s: MigrationSummary): string {
  const lines = [`migration of ${s.directory} into model "${s.model_id}"${s.model_created ? ' (created, schema inferred from predictions.jsonl)' : ''} finished in ${s.seconds.toFixed(1)} s`];
  const head = ['file', 'read', 'imported', 'unchanged', 'updated', 'skipped'];
  const rows = s.files.map((f) => (f.present ? [f.file, fmt(f.read), fmt(f.imported), fmt(f.unchanged), fmt(f.updated), fmt(f.skipped)] : [f.file, '(absent)', '', '', '', '']));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const cell = (r: string[]) => `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  lines.push(cell(head), ...rows.map(cell));
  if (s.outcomes) lines.push(`outcomes written (actual_outcome of predictions): ${fmt(s.outcomes)}`);
  for (const f of s.files) {
    for (const r of f.reasons) lines.push(`  ${f.file}: ${fmt(r.count)} skipped: ${r.reason} (line${r.lines.length > 1 ? 's' : ''} ${r.lines.join(', ')}${r.count > r.lines.length ? ', …' : ''})`);
    for (const n of f.notes) lines.push(`  ${f.file}: note: ${n}`);
  }
  const read = s.files.reduce((a, f) => a + f.read, 0);
  const accounted = s.files.reduce((a, f) => a + f.imported + f.unchanged + f.updated + f.skipped, 0);
  lines.push(`every record accounted for: ${fmt(read)} read = ${fmt(accounted)} imported, unchanged, updated or skipped`);
  return lines.join('\n');
}
