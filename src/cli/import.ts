import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import { GroupCommitWriter } from '../ingest/group-commit.js';
import { ImportError, type ImportFormat, type ImportSummary, importPredictions } from '../ingest/importer.js';
import { IngestService } from '../ingest/ingest-service.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, type StoreCommandOptions, withStore } from './cli-store.js';
import { ImportProgressReporter, formatImportSummary } from './import-progress.js';

/** Options of `driftwatch import`. */
export interface ImportCommandOptions extends StoreCommandOptions {
  model: string;
  format?: string;
  batch?: string;
  delimiter?: string;
  ignoreUnknownColumns?: boolean;
  json?: boolean;
}

/** The format and delimiter of a file: `--format` wins, else the extension (before any .gz). */
export function detectFormat(file: string, format?: string, delimiter?: string): { format: ImportFormat; delimiter?: string } {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  const tsv = name.endsWith('.tsv') || name.endsWith('.tab');
  if (format !== undefined) {
    if (format !== 'csv' && format !== 'ndjson') throw new Error(`--format must be csv or ndjson (got "${format}")`);
    return { format, delimiter: delimiter ?? (format === 'csv' && tsv ? '\t' : undefined) };
  }
  if (name.endsWith('.csv')) return { format: 'csv', delimiter };
  if (tsv) return { format: 'csv', delimiter: delimiter ?? '\t' };
  if (/\.(ndjson|jsonl|json)$/.test(name)) return { format: 'ndjson' };
  throw new Error(`cannot tell the format of ${file} from its name: pass --format csv or --format ndjson`);
}

/**
 * Import FILE (or `-` for stdin) into a model's predictions on an open store. Progress goes to
 * `progressOut`; the summary is returned.
 */
export async function runImport(store: Store, file: string, opts: ImportCommandOptions, progressOut: NodeJS.WritableStream & { isTTY?: boolean }): Promise<ImportSummary> {
  const { format, delimiter } = detectFormat(file, opts.format, opts.delimiter?.replace(/^\\t$/, '\t'));
  const batchSize = opts.batch === undefined ? 5000 : Number(opts.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) throw new Error('--batch must be an integer from 1 to 1000000');
  if (!(await store.getModel(opts.model))) throw new ImportError(`no model "${opts.model}" is registered (create it with POST /api/v1/models first)`);
  const fromStdin = file === '-';
  const total = fromStdin ? undefined : statSync(file).size;
  const raw: Readable & { bytesRead?: number } = fromStdin ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  let source: Readable = raw;
  if (file.toLowerCase().endsWith('.gz')) {
    source = raw.pipe(createGunzip());
    raw.on('error', (e) => source.destroy(e));
  }
  const writer = new GroupCommitWriter(store);
  const ingest = new IngestService(store, writer);
  const progress = new ImportProgressReporter(progressOut, total, () => raw.bytesRead ?? 0);
  try {
    return await importPredictions(source, { store, ingest }, {
      modelId: opts.model,
      format,
      batchSize,
      delimiter,
      ignoreUnknownColumns: opts.ignoreUnknownColumns,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
    await writer.close();
    if (!fromStdin) raw.destroy();
  }
}

/** `driftwatch import --model M FILE`. */
export function registerImport(program: Command): void {
  addStoreOptions(
    program
      .command('import')
      .description('import predictions from a CSV or NDJSON file (streamed; any size) straight into the store')
      .argument('<file>', 'CSV, TSV or NDJSON file, optionally .gz; - reads stdin (needs --format)')
      .requiredOption('-m, --model <model_id>', 'the registered model the predictions belong to')
      .option('--format <format>', 'csv or ndjson (default: from the file extension)')
      .option('--batch <rows>', 'rows validated and committed together', '5000')
      .option('--delimiter <char>', 'CSV field separator (default , or tab for .tsv)')
      .option('--ignore-unknown-columns', 'skip CSV columns that are neither features nor known columns')
      .option('--json', 'print the summary as JSON')
      .addHelpText('after', '\nCSV columns are mapped as docs/import.md describes. Exit status: 0 all rows stored, 2 some rows rejected, 1 nothing imported (error).'),
  ).action(async (file: string, opts: ImportCommandOptions) => {
    detectFormat(file, opts.format, opts.delimiter); // fail before opening the store
    const summary = await withStore(opts, (store) => runImport(store, file, opts, process.stderr));
    console.log(opts.json ? JSON.stringify(summary, null, 2) : formatImportSummary(summary, { file, modelId: opts.model }));
    if (summary.rejected > 0) process.exitCode = 2;
  });
}
