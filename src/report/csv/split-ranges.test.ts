import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategoricalColumn, NumericColumn } from './column-builders.js';
import { COLUMN_TASKS } from './column-tasks.js';
import { parseRange } from './csv-file.js';
import { readColumns } from './read-columns.js';
import { planCsvRanges } from './read-csv.js';
import { ThreadRunner } from './worker-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-split-'));
let workerUrl: URL;
beforeAll(async () => {
  // a worker thread cannot load TypeScript: bundle the worker entry to JavaScript for these tests
  const outfile = join(dir, 'csv-worker.mjs');
  await build({ entryPoints: [new URL('./csv-worker.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  workerUrl = pathToFileURL(outfile);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const columns = [
  { name: 'x', type: 'numeric' as const },
  { name: 'label', type: 'categorical' as const },
];

/** A seeded CSV: numbers, labels with commas and quotes, some missing cells. */
function sample(rows: number, quotedNewlines: boolean): string {
  let seed = 12345;
  const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const lines = ['id,x,label'];
  for (let i = 0; i < rows; i++) {
    const r = next();
    const x = r < 0.05 ? '' : (next() * 1000 - 500).toFixed(Math.floor(next() * 6));
    const label = r > 0.9 ? `"group ${i % 7}, ""quoted"""` : quotedNewlines && r > 0.8 ? `"line ${i % 3}\nbreak"` : `g${i % 5}`;
    lines.push(`${i},${x},${label}`);
  }
  return lines.join('\n') + '\n';
}

const asPlain = (t: { rowCount: number; columns: ReadonlyMap<string, unknown> }) => ({
  rows: t.rowCount,
  x: Array.from((t.columns.get('x') as NumericColumn).values, (v) => (Number.isNaN(v) ? null : v)),
  label: Array.from((t.columns.get('label') as CategoricalColumn).codes, (c) => (c < 0 ? null : (t.columns.get('label') as CategoricalColumn).dictionary[c])),
});

describe('parsing in byte ranges', () => {
  it('cuts ranges at line starts and parses to the same rows as one range', () => {
    const path = join(dir, 'plain.csv');
    writeFileSync(path, sample(3000, false));
    const whole = planCsvRanges(path, columns, 1);
    const parts = planCsvRanges(path, columns, 5, 0);
    expect(whole).toHaveLength(1);
    expect(parts).toHaveLength(5);
    for (let i = 1; i < parts.length; i++) expect(parts[i].start).toBe(parts[i - 1].end);
    const one = parseRange(whole[0]);
    const many = parts.map(parseRange);
    expect(many.reduce((n, r) => n + r.rowCount, 0)).toBe(one.rowCount);
    expect(many.some((r) => r.quotedNewline)).toBe(false);
    const joined = many.flatMap((r) => Array.from((r.columns[0] as NumericColumn).values));
    expect(joined).toEqual(Array.from((one.columns[0] as NumericColumn).values));
  });

  it('on worker threads, gives the same columns as inline, also when quoted fields hold line breaks', async () => {
    for (const quoted of [false, true]) {
      const path = join(dir, `threads-${quoted}.csv`);
      writeFileSync(path, sample(4000, quoted));
      const inline = await readColumns(path, { columns, threads: 1 });
      const runner = new ThreadRunner(workerUrl, 2, COLUMN_TASKS, { callerWorks: false });
      try {
        const threaded = await readColumns(path, { columns, runner, minSplitBytes: 0 });
        expect(asPlain(threaded)).toEqual(asPlain(inline));
        // two ranges, plus the whole file again when a quoted field held a line break
        expect(runner.tasksOnWorkers).toBe(quoted ? 3 : 2);
      } finally {
        await runner.close();
      }
      expect(inline.rowCount).toBe(4000);
    }
  });

  it('reports the true line of an error when the file was split', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, sample(2000, false).replace('\n1500,', '\n1500,x'));
    const runner = new ThreadRunner(workerUrl, 2, COLUMN_TASKS);
    try {
      await expect(readColumns(path, { columns, runner, minSplitBytes: 0 })).rejects.toThrow(/line 1502: column 'x'/);
    } finally {
      await runner.close();
    }
  });
});
