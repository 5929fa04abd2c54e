import cliProgress from 'cli-progress';
import type { ImportProgress, ImportSummary } from '../ingest/importer.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Shows how an import is going: a progress bar over the file's bytes on a terminal, otherwise
 * a plain line every `intervalMs` (logs and CI stay readable).
 */
export class ImportProgressReporter {
  private readonly bar?: cliProgress.SingleBar;
  private readonly started = performance.now();
  private lastLine = Number.NEGATIVE_INFINITY;
  private latest: ImportProgress = { rows_read: 0, written: 0, duplicates: 0, rejected: 0 };

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly totalBytes: number | undefined,
    private readonly bytesRead: () => number,
    private readonly intervalMs = 5000,
  ) {
    if (out.isTTY && totalBytes) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: out as NodeJS.WritableStream,
          format: 'importing {bar} {percentage}% | {rows} rows | {written} written | {rejected} rejected | {rate} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(totalBytes, 0, { rows: '0', written: '0', rejected: '0', rate: '0' });
    }
  }

  private rate(): number {
    const s = (performance.now() - this.started) / 1000;
    return s > 0 ? Math.round(this.latest.rows_read / s) : 0;
  }

  update(progress: ImportProgress): void {
    this.latest = progress;
    const payload = { rows: fmt(progress.rows_read), written: fmt(progress.written), rejected: fmt(progress.rejected), rate: fmt(this.rate()) };
    if (this.bar) {
      this.bar.update(Math.min(this.bytesRead(), this.totalBytes ?? 0), payload);
      return;
    }
    const now = performance.now();
    if (now - this.lastLine < this.intervalMs) return;
    this.lastLine = now;
    const pct = this.totalBytes ? ` (${Math.min(100, Math.floor((100 * this.bytesRead()) / this.totalBytes))}%)` : '';
    this.out.write(`imported ${payload.rows} rows${pct}: ${payload.written} written, ${fmt(progress.duplicates)} duplicates, ${payload.rejected} rejected, ${payload.rate} rows/s\n`);
  }

  stop(): void {
    if (this.bar) {
      this.bar.update(this.totalBytes ?? 0);
      this.bar.stop();
    }
  }
}

/** The summary printed at the end of an import. */
export function formatImportSummary(summary: ImportSummary, what: { file: string; modelId: string }): string {
  const rate = summary.seconds > 0 ? Math.round(summary.rows_read / summary.seconds) : summary.rows_read;
  const width = Math.max(...[summary.rows_read, summary.written, summary.duplicates, summary.rejected].map((n) => fmt(n).length));
  const row = (label: string, n: number) => `  ${label.padEnd(11)} ${fmt(n).padStart(width)}`;
  const lines = [
    `import of ${what.file} into model "${what.modelId}" finished in ${summary.seconds.toFixed(1)} s (${fmt(rate)} rows/s)`,
    row('rows read', summary.rows_read),
    row('written', summary.written),
    row('duplicates', summary.duplicates),
    row('rejected', summary.rejected),
  ];
  if (summary.ignored_columns.length) lines.push(`ignored columns: ${summary.ignored_columns.join(', ')}`);
  if (summary.reasons.length) {
    lines.push('top rejection reasons:');
    const w = Math.max(...summary.reasons.map((r) => fmt(r.count).length));
    for (const r of summary.reasons) lines.push(`  ${fmt(r.count).padStart(w)}  ${r.reason}  (line${r.lines.length > 1 ? 's' : ''} ${r.lines.join(', ')}${r.count > r.lines.length ? ', …' : ''})`);
    lines.push(`first rejected lines: ${summary.rejected_lines.join(', ')}${summary.rejected > summary.rejected_lines.length ? ', …' : ''}`);
  }
  if (summary.duplicates > 0) lines.push('duplicates were already stored under the same prediction_id and were left as they are');
  return lines.join('\n');
}
