import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineRunner, ThreadRunner } from './worker-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-pool-'));
const HANDLERS = {
  double: (x: number) => x * 2,
  fail: (x: number) => {
    throw new RangeError(`task ${x} failed`);
  },
  shared: (a: Float64Array) => {
    a[0] = 42; // visible to the caller only if the memory is shared
    return a.length;
  },
};
let workerUrl: URL;

beforeAll(async () => {
  // a worker serving the handlers above, bundled to JavaScript (a worker cannot load TypeScript)
  const entry = join(dir, 'entry.ts');
  const pool = fileURLToPath(new URL('./worker-pool.ts', import.meta.url));
  writeFileSync(
    entry,
    `import { serveTasks } from ${JSON.stringify(pool)};
     serveTasks({ double: (x) => x * 2, fail: (x) => { throw new RangeError('task ' + x + ' failed'); },
                  shared: (a) => { a[0] = 42; return a.length; } });`,
  );
  const outfile = join(dir, 'worker.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  workerUrl = pathToFileURL(outfile);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doubles = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'double', payload: i }));

describe('ThreadRunner', () => {
  it('returns results in task order and reports each one as it comes in', async () => {
    for (const callerWorks of [true, false]) {
      const runner = new ThreadRunner(workerUrl, 2, HANDLERS, { callerWorks });
      try {
        const seen: number[] = [];
        const results = await runner.runBatch<number>(doubles(40), { onResult: (i, r) => seen.push(i * 2 - r) });
        expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
        expect(seen).toHaveLength(40);
        expect(seen.every((d) => d === 0)).toBe(true);
        if (!callerWorks) expect(runner.tasksOnWorkers).toBe(40);
      } finally {
        await runner.close();
      }
    }
  });

  it('rejects with a failed task\'s error, and when the caller cannot start', async () => {
    const runner = new ThreadRunner(workerUrl, 2, HANDLERS, { callerWorks: false });
    try {
      await expect(runner.runBatch([...doubles(3), { kind: 'fail', payload: 7 }])).rejects.toThrow('task 7 failed');
      await expect(runner.runBatch(doubles(3), { beforeCallerWorks: () => Promise.reject(new Error('bad option')) })).rejects.toThrow('bad option');
      // the runner still works afterwards
      expect(await runner.runBatch<number>(doubles(2))).toEqual([0, 2]);
    } finally {
      await runner.close();
    }
  });

  it('leaves the last unclaimed tasks to the workers when asked', async () => {
    const runner = new ThreadRunner(workerUrl, 2, HANDLERS);
    try {
      // the caller takes tasks from the back; with every task left to the worker it takes none
      expect(await runner.runBatch<number>(doubles(3), { leaveToWorkers: 3 })).toEqual([0, 2, 4]);
      expect(runner.tasksOnWorkers).toBe(3);
      // leaving one: the worker runs at least that one, and the results are complete
      const before = runner.tasksOnWorkers;
      expect(await runner.runBatch<number>(doubles(5), { leaveToWorkers: 1 })).toEqual([0, 2, 4, 6, 8]);
      expect(runner.tasksOnWorkers - before).toBeGreaterThanOrEqual(1);
    } finally {
      await runner.close();
    }
  });

  it('shares typed arrays on a SharedArrayBuffer with the workers', async () => {
    const runner = new ThreadRunner(workerUrl, 2, HANDLERS, { callerWorks: false });
    try {
      const shared = new Float64Array(new SharedArrayBuffer(8 * 4));
      const copied = new Float64Array(4);
      expect(await runner.runBatch([{ kind: 'shared', payload: shared }, { kind: 'shared', payload: copied }])).toEqual([4, 4]);
      expect(shared[0]).toBe(42);
      expect(copied[0]).toBe(0);
    } finally {
      await runner.close();
    }
  });
});

describe('InlineRunner', () => {
  it('runs the tasks in order on the calling thread', async () => {
    const order: number[] = [];
    const runner = new InlineRunner(HANDLERS);
    expect(await runner.runBatch<number>(doubles(3), { onResult: (i) => order.push(i) })).toEqual([0, 2, 4]);
    expect(order).toEqual([0, 1, 2]);
    await expect(runner.runBatch([{ kind: 'nope', payload: 1 }])).rejects.toThrow('no task handler named nope');
  });
});
