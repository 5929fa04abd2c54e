import type { Store } from '../store/store.js';
import { CsvHeaderError, CsvPredictionMapper } from './csv-prediction.js';
import { readCsvRecords } from './csv-rows.js';
import type { IngestService, PreparedChunk } from './ingest-service.js';
import { readNdjson } from './ndjson.js';

export type ImportFormat = 'csv' | 'ndjson';

/** What to import and how. */
export interface ImportOptions {
  modelId: string;
  format: ImportFormat;
  /** rows validated and committed together (default 5000) */
  batchSize?: number;
  /** CSV field separator (default ',') */
  delimiter?: string;
  /** CSV: skip columns that are neither features nor known columns instead of failing */
  ignoreUnknownColumns?: boolean;
  /** called after each committed chunk with the running totals */
  onProgress?: (progress: ImportProgress) => void;
}

/** Running totals of an import. */
export interface ImportProgress {
  /** data rows read (header and blank lines not counted) */
  rows_read: number;
  /** rows newly stored */
  written: number;
  /** rows whose prediction_id was already stored (left as they were) */
  duplicates: number;
  rejected: number;
}

/** The end of an import: totals, the most common reasons for rejections, where they were. */
export interface ImportSummary extends ImportProgress {
  /** reasons, most frequent first (at most 10), each with the first few line numbers */
  reasons: { reason: string; count: number; lines: number[] }[];
  /** the first rejected lines of the file (1-based) */
  rejected_lines: number[];
  /** CSV header cells that were skipped */
  ignored_columns: string[];
  seconds: number;
}

/** The import cannot start or go on (unknown model, unusable header, unreadable file). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

const MAX_REASONS_TRACKED = 500;
const LINES_PER_REASON = 5;
const REJECTED_LINES_KEPT = 10;

/** One chunk of the file turned into payloads, with the file line of each. */
interface Rows {
  values: unknown[];
  lines: number[];
  /** rows rejected before validation (unparseable line, bad cell) */
  early: { line: number; problems: { field: string; problem: string }[] }[];
}

const reasonOf = (p: { field: string; problem: string }) => `${p.field ? `${p.field}: ` : ''}${p.problem.replace(/ \(sum is [^)]*\)/, '')}`;

/**
 * Stream predictions from a CSV or NDJSON source into the store of one model: read a chunk,
 * validate it (through IngestService.prepare), commit it through the group-commit writer while
 * the next chunk is read and validated. Partial semantics per chunk: good rows are kept,
 * rejected rows are counted with their reasons. Memory is bounded by two chunks.
 */
export async function importPredictions(source: AsyncIterable<Buffer | string>, deps: { store: Store; ingest: IngestService }, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const model = await deps.store.getModel(options.modelId);
  if (!model) throw new ImportError(`no model "${options.modelId}" is registered (create it with POST /api/v1/models first)`);
  const batchSize = Math.max(1, options.batchSize ?? 5000);
  const totals: ImportProgress = { rows_read: 0, written: 0, duplicates: 0, rejected: 0 };
  const reasons = new Map<string, { count: number; lines: number[] }>();
  const rejectedLines: number[] = [];
  let ignored: string[] = [];

  const reject = (line: number, problems: { field: string; problem: string }[]) => {
    totals.rejected++;
    if (rejectedLines.length < REJECTED_LINES_KEPT) rejectedLines.push(line);
    for (const reason of new Set(problems.map(reasonOf))) {
      let r = reasons.get(reason);
      if (!r) {
        const key = reasons.size < MAX_REASONS_TRACKED ? reason : 'other reasons';
        r = reasons.get(key) ?? { count: 0, lines: [] };
        reasons.set(key, r);
      }
      r.count++;
      if (r.lines.length < LINES_PER_REASON) r.lines.push(line);
    }
  };

  async function* chunks(): AsyncGenerator<Rows> {
    if (options.format === 'csv') {
      let mapper: CsvPredictionMapper | undefined;
      for await (const records of readCsvRecords(source, { delimiter: options.delimiter, chunkRecords: batchSize })) {
        const rows: Rows = { values: [], lines: [], early: [] };
        for (const rec of records) {
          if (!mapper) {
            if (rec.error) throw new ImportError(`the header is malformed: ${rec.error}`);
            try {
              mapper = new CsvPredictionMapper(model!, rec.fields, { ignoreUnknown: options.ignoreUnknownColumns });
            } catch (e) {
              throw e instanceof CsvHeaderError ? new ImportError(e.message) : e;
            }
            ignored = mapper.ignored;
            continue;
          }
          if (rec.error) {
            rows.early.push({ line: rec.line, problems: [{ field: '', problem: 'malformed CSV (text after a closing quote, or an unclosed quote)' }] });
            continue;
          }
          const m = mapper.map(rec.fields);
          if ('problems' in m) rows.early.push({ line: rec.line, problems: m.problems });
          else {
            rows.values.push(m.value);
            rows.lines.push(rec.line);
          }
        }
        yield rows;
      }
      if (!mapper) throw new ImportError('the file is empty (a CSV import needs a header line)');
    } else {
      for await (const items of readNdjson(source, Number.POSITIVE_INFINITY, batchSize)) {
        const rows: Rows = { values: [], lines: [], early: [] };
        for (const it of items) {
          if ('error' in it) rows.early.push({ line: it.line, problems: [{ field: '', problem: 'not valid JSON' }] });
          else {
            const v = it.value as Record<string, unknown> | null;
            const named = v !== null && typeof v === 'object' && !Array.isArray(v) ? v.model_id : undefined;
            if (named !== undefined && named !== options.modelId) {
              rows.early.push({ line: it.line, problems: [{ field: 'model_id', problem: `names another model than the import's` }] });
            } else {
              rows.values.push(it.value);
              rows.lines.push(it.line);
            }
          }
        }
        yield rows;
      }
    }
  }

  const ingestOptions = { partial: true, defaultModelId: options.modelId };
  let committing: Promise<void> | undefined;
  let failure: unknown;
  const commit = async (prepared: PreparedChunk, rows: Rows) => {
    const result = await deps.ingest.commit([prepared], ingestOptions, false);
    totals.rows_read += rows.values.length + rows.early.length;
    totals.written += result.accepted;
    totals.duplicates += result.duplicates;
    const byLine = new Map<number, { field: string; problem: string }[]>();
    for (const e of rows.early) byLine.set(e.line, e.problems);
    for (const p of prepared.problems) {
      const line = rows.lines[p.row!];
      const list = byLine.get(line);
      if (list) list.push(p);
      else byLine.set(line, [p]);
    }
    for (const [line, problems] of [...byLine].sort((a, b) => a[0] - b[0])) reject(line, problems);
    options.onProgress?.({ ...totals });
  };

  for await (const rows of chunks()) {
    const prepared = await deps.ingest.prepare(rows.values, ingestOptions, 0);
    // one commit in flight while the next chunk is read and validated: bounded memory, overlapped I/O
    await committing;
    if (failure) break;
    committing = commit(prepared, rows).catch((e: unknown) => {
      failure = e;
    });
  }
  await committing;
  if (failure) throw failure;
  return {
    ...totals,
    reasons: [...reasons].sort((a, b) => b[1].count - a[1].count).slice(0, 10).map(([reason, r]) => ({ reason, count: r.count, lines: r.lines })),
    rejected_lines: rejectedLines,
    ignored_columns: ignored,
    seconds: (performance.now() - started) / 1000,
  };
}
