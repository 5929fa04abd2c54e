import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from './build-report.js';
import { ThreadRunner } from './csv/worker-pool.js';
import { REPORT_TASKS } from './report-tasks.js';
import { loadReportSchema } from './schema.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/report/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dw-report-worker-'));
let workerUrl: URL;

beforeAll(async () => {
  // a worker thread cannot load TypeScript: bundle the report's worker entry for this test
  const outfile = join(dir, 'report-worker.mjs');
  await build({ entryPoints: [fileURLToPath(new URL('./report-worker.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  workerUrl = pathToFileURL(outfile);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildReport on worker threads', () => {
  it('gives the same report as on one thread, with chunks shared through SharedArrayBuffers and joined in place', async () => {
    const options = {
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema.json')),
      selection: { mode: 'all' as const },
      generatedAt: new Date(0),
    };
    const inline = await buildReport({ ...options, threads: 1 });
    const runner = new ThreadRunner(workerUrl, 2, REPORT_TASKS, { callerWorks: false });
    try {
      const threaded = await buildReport({ ...options, runner });
      expect(threaded).toEqual(inline);
      // two files parsed, then three numeric features prepared (both sides sorted and walked),
      // all on the workers
      expect(runner.tasksOnWorkers).toBe(5);
      // the same with each file cut in two ranges, whose numeric columns are joined in place
      const before = runner.tasksOnWorkers;
      const split = await buildReport({ ...options, runner, minSplitBytes: 0 });
      expect(split).toEqual(inline);
      expect(runner.tasksOnWorkers - before).toBe(4 + 3);
    } finally {
      await runner.close();
    }
  });
});
