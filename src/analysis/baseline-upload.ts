/**
 * Validation data sent as a file (CSV or NDJSON) for a baseline: turned into the same
 * prediction-shaped rows (each optionally with `actual`) the JSON body carries. CSV columns
 * are mapped as by `driftwatch import` (docs/import.md), plus an optional `actual` column.
 */
import type { Model } from '../domain/model-schema.js';
import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import { CsvHeaderError, CsvPredictionMapper } from '../ingest/csv-prediction.js';
import { readCsvRecords } from '../ingest/csv-rows.js';
import { MAX_LISTED_PROBLEMS } from '../ingest/ingest-service.js';
import { readNdjson } from '../ingest/ndjson.js';

export type UploadFormat = 'csv' | 'ndjson';

/** Rows of an upload and the file line each came from (for error messages). */
export interface UploadRows {
  rows: unknown[];
  lines: number[];
}

/** Pass bytes through, failing with 413 past `limit`. */
async function* limited(source: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<Buffer | string> {
  let total = 0;
  for await (const piece of source) {
    total += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    if (total > limit) throw new AppError('payload_too_large', `the upload is larger than the limit of ${limit} bytes`);
    yield piece;
  }
}

/** Read an upload into rows; malformed lines and cells are listed together as one 400. */
export async function readValidationUpload(source: AsyncIterable<Buffer | string>, model: Model, format: UploadFormat, limitBytes: number): Promise<UploadRows> {
  const out: UploadRows = { rows: [], lines: [] };
  const problems: FieldProblem[] = [];
  const input = limited(source, limitBytes);
  if (format === 'ndjson') {
    for await (const items of readNdjson(input, limitBytes)) {
      for (const it of items) {
        if ('error' in it) problems.push({ row: it.row, field: '', problem: `line ${it.line}: not valid JSON` });
        else {
          out.rows.push(it.value);
          out.lines.push(it.line);
        }
      }
    }
  } else {
    let mapper: CsvPredictionMapper | undefined;
    let actualAt = -1;
    for await (const records of readCsvRecords(input)) {
      for (const rec of records) {
        if (!mapper) {
          if (rec.error) throw validationError([{ field: 'header', problem: rec.error }]);
          actualAt = rec.fields.findIndex((h) => h.trim() === 'actual');
          try {
            mapper = new CsvPredictionMapper(model, actualAt < 0 ? rec.fields : rec.fields.filter((_, i) => i !== actualAt));
          } catch (e) {
            if (e instanceof CsvHeaderError) throw validationError([{ field: 'header', problem: e.message }]);
            throw e;
          }
          continue;
        }
        const row = out.rows.length + problems.length;
        if (rec.error) {
          problems.push({ row, field: '', problem: `line ${rec.line}: malformed CSV (${rec.error})` });
          continue;
        }
        const actual = actualAt < 0 ? '' : (rec.fields[actualAt] ?? '');
        const m = mapper.map(actualAt < 0 ? rec.fields : rec.fields.filter((_, i) => i !== actualAt));
        if ('problems' in m) {
          for (const p of m.problems) problems.push({ row, field: p.field, problem: `line ${rec.line}: ${p.problem}` });
          continue;
        }
        if (actual !== '') m.value.actual = model.schema.task === 'regression' ? Number(actual) : actual;
        out.rows.push(m.value);
        out.lines.push(rec.line);
      }
    }
    if (!mapper) throw validationError([{ field: 'body', problem: 'the CSV is empty (it needs a header line)' }]);
  }
  if (problems.length) throw validationError(problems.slice(0, MAX_LISTED_PROBLEMS), `${problems.length} line(s) of the upload rejected`);
  return out;
}

/** Rewrite a validation error about rows of an upload so each problem names its file line. */
export function withLines(e: unknown, lines: number[]): unknown {
  if (!(e instanceof AppError) || e.code !== 'validation_failed') return e;
  const details = e.details as { problems?: FieldProblem[] } | null;
  if (!details?.problems) return e;
  const problems = details.problems.map((p) => (p.row !== undefined && lines[p.row] !== undefined ? { ...p, problem: `line ${lines[p.row]}: ${p.problem}` } : p));
  return new AppError('validation_failed', e.message, { ...details, problems });
}
