import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFormat, runImport } from '../../src/cli/import.js';
import { ImportProgressReporter, formatImportSummary } from '../../src/cli/import-progress.js';
import { DEFAULT_SETTINGS, parseModelSchema } from '../../src/domain/model-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

let dir: string;
let store: SqliteStore;

/** A stream that keeps what is written, optionally pretending to be a terminal. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string; columns: number } {
  const parts: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      parts.push(String(chunk));
      cb();
    },
  }) as Writable & { isTTY: boolean; text: () => string; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  w.isTTY = isTTY;
  w.columns = 120;
  w.cursorTo = () => true;
  w.clearLine = () => true;
  w.moveCursor = () => true;
  w.text = () => parts.join('');
  return w;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-import-cli-'));
  store = SqliteStore.open({ path: join(dir, 'i.db') });
  await store.migrate();
  const schema = parseModelSchema({ task: 'regression', features: [{ name: 'x', type: 'numeric' }, { name: 'g', type: 'categorical' }] });
  await store.createModel({ model_id: 'reg', name: 'reg', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (n: number, bad = 0) =>
  'prediction_id,x,g,value\n' + Array.from({ length: n }, (_, i) => (i < bad ? `id${i},oops,a,1` : `id${i},${i},g${i % 3},${i / 2}`)).join('\n') + '\n';

describe('detectFormat', () => {
  it('goes by --format, else the extension (before .gz)', () => {
    expect(detectFormat('a.csv')).toEqual({ format: 'csv', delimiter: undefined });
    expect(detectFormat('a.TSV.gz')).toEqual({ format: 'csv', delimiter: '\t' });
    expect(detectFormat('a.jsonl')).toEqual({ format: 'ndjson' });
    expect(detectFormat('a.ndjson.gz')).toEqual({ format: 'ndjson' });
    expect(detectFormat('-', 'csv', ';')).toEqual({ format: 'csv', delimiter: ';' });
    expect(() => detectFormat('a.txt')).toThrow(/--format/);
    expect(() => detectFormat('a.csv', 'xml')).toThrow(/csv or ndjson/);
  });
});

describe('runImport', () => {
  it('imports a CSV file and a gzipped one, printing plain progress lines when not on a terminal', async () => {
    const file = join(dir, 'p.csv');
    writeFileSync(file, csv(300, 2));
    const out = sink(false);
    const summary = await runImport(store, file, { model: 'reg', batch: '50' }, out);
    expect(summary).toMatchObject({ rows_read: 300, written: 298, rejected: 2, rejected_lines: [2, 3] });
    expect(out.text()).toMatch(/^imported 49 rows \(\d+%\): 47 written, 0 duplicates, 2 rejected, [\d,]+ rows\/s\n/);

    const gz = join(dir, 'p2.csv.gz');
    writeFileSync(gz, gzipSync(csv(300).replaceAll('\nid', '\ngz')));
    expect(await runImport(store, gz, { model: 'reg' }, sink(false))).toMatchObject({ written: 300, rejected: 0 });
    expect(await store.countPredictions('reg', 0, Date.now() + 1000)).toBe(598);
  });

  it('draws a progress bar on a terminal', async () => {
    const file = join(dir, 'p.csv');
    writeFileSync(file, csv(200));
    const out = sink(true);
    await runImport(store, file, { model: 'reg', batch: '20' }, out);
    expect(out.text()).toMatch(/importing .*100% \| 200 rows \| 200 written \| 0 rejected/);
  });

  it('checks --batch', async () => {
    const file = join(dir, 'p.csv');
    writeFileSync(file, csv(1));
    await expect(runImport(store, file, { model: 'reg', batch: '0' }, sink(false))).rejects.toThrow(/--batch/);
  });

  it('fails on an unknown model or a missing file without writing', async () => {
    const file = join(dir, 'p.csv');
    writeFileSync(file, csv(3));
    await expect(runImport(store, file, { model: 'nope' }, sink(false))).rejects.toThrow(/no model "nope"/);
    await expect(runImport(store, join(dir, 'missing.csv'), { model: 'reg' }, sink(false))).rejects.toThrow(/ENOENT/);
  });
});

describe('progress and summary', () => {
  it('throttles plain progress lines', () => {
    const out = sink(false);
    const r = new ImportProgressReporter(out, 1000, () => 500, 60_000);
    r.update({ rows_read: 10, written: 10, duplicates: 0, rejected: 0 });
    r.update({ rows_read: 20, written: 20, duplicates: 0, rejected: 0 });
    r.stop();
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(1);
    expect(out.text()).toContain('(50%)');
  });

  it('summarises totals, top reasons with lines, and the first rejected lines', () => {
    const text = formatImportSummary(
      {
        rows_read: 1_234_567,
        written: 1_234_000,
        duplicates: 500,
        rejected: 67,
        reasons: [
          { reason: 'features.x: is not a number', count: 60, lines: [2, 9, 11, 12, 13] },
          { reason: 'prediction.value: must be a finite number', count: 7, lines: [5] },
        ],
        rejected_lines: [2, 5, 9, 11, 12, 13, 20, 21, 22, 23],
        ignored_columns: ['notes'],
        seconds: 10,
      },
      { file: 'p.csv', modelId: 'reg' },
    );
    expect(text).toContain('import of p.csv into model "reg" finished in 10.0 s (123,457 rows/s)');
    expect(text).toMatch(/rows read\s+1,234,567\n\s+written\s+1,234,000\n\s+duplicates\s+500\n\s+rejected\s+67/);
    expect(text).toContain('60  features.x: is not a number  (lines 2, 9, 11, 12, 13, …)');
    expect(text).toContain(' 7  prediction.value: must be a finite number  (line 5, …)');
    expect(text).toContain('first rejected lines: 2, 5, 9, 11, 12, 13, 20, 21, 22, 23, …');
    expect(text).toContain('ignored columns: notes');
  });
});
