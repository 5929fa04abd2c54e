import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG } from '../config/config.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { Scheduler, type SchedulerLog, createScheduler, cronProblem } from './scheduler.js';

function recordingLog(): SchedulerLog & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj }),
  };
}

describe('Scheduler', () => {
  it('never runs a job while its previous run is still going', async () => {
    const log = recordingLog();
    let release!: () => void;
    let runs = 0;
    const s = new Scheduler(log).add({
      name: 'slow',
      cron: '0 0 1 1 *',
      run: () => {
        runs++;
        return new Promise<void>((r) => (release = r));
      },
    });
    const first = s.trigger('slow');
    expect(s.isRunning('slow')).toBe(true);
    expect(await s.trigger('slow')).toBe('skipped');
    expect(runs).toBe(1);
    expect(log.lines.some((l) => l.level === 'warn' && /skipped/.test(l.msg))).toBe(true);
    release();
    expect(await first).toBe('succeeded');
    expect(s.isRunning('slow')).toBe(false);
    const third = s.trigger('slow');
    release();
    expect(await third).toBe('succeeded');
    expect(runs).toBe(2);
    await s.stop();
  });

  it('logs a failing run and keeps going', async () => {
    const log = recordingLog();
    let n = 0;
    const s = new Scheduler(log).add({
      name: 'flaky',
      cron: '* * * * *',
      run: async () => {
        if (++n === 1) throw new Error('boom');
        return { status: 'succeeded' };
      },
    });
    expect(await s.trigger('flaky')).toBe('failed');
    expect(log.lines.find((l) => l.level === 'error')?.obj).toMatchObject({ job: 'flaky' });
    expect(await s.trigger('flaky')).toBe('succeeded');
    await s.stop();
  });

  it('reports a run that returns status failed as failed', async () => {
    const s = new Scheduler().add({ name: 'j', cron: '* * * * *', run: async () => ({ status: 'failed' }) });
    expect(await s.trigger('j')).toBe('failed');
  });

  it('runs jobs on their cron expression', async () => {
    let runs = 0;
    const s = new Scheduler().add({ name: 'every-second', cron: '* * * * * *', run: async () => void runs++ });
    expect(s.nextRun('every-second')).toBeNull(); // not started yet
    s.start();
    expect(s.nextRun('every-second')!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const deadline = Date.now() + 3000;
    while (runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
    const after = runs;
    await new Promise((r) => setTimeout(r, 1100));
    expect(runs).toBe(after); // stopped: no more ticks
  });

  it('aborts a running job on stop and waits for it', async () => {
    let aborted = false;
    const s = new Scheduler().add({
      name: 'long',
      cron: '* * * * *',
      run: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            setTimeout(resolve, 20);
          }),
        ),
    });
    const run = s.trigger('long');
    await s.stop();
    expect(aborted).toBe(true);
    expect(s.isRunning('long')).toBe(false);
    expect(await run).toBe('succeeded');
    expect(await s.trigger('long')).toBe('skipped'); // stopped schedulers start nothing
  });

  it('rejects an invalid cron expression naming the config key', () => {
    expect(cronProblem('17 3 * * *')).toBeNull();
    expect(cronProblem('every day')).toMatch(/not a valid cron/);
    try {
      new Scheduler().add({ name: 'x', cron: '99 * * * *', configKey: 'scheduler.retention_cron', run: async () => undefined });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems[0].key).toBe('scheduler.retention_cron');
    }
  });

  it('runs retention against a store and the run is recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-sched-'));
    const store = SqliteStore.open({ path: join(dir, 's.db') });
    try {
      await store.migrate();
      const s = createScheduler(DEFAULT_CONFIG, store);
      expect(await s.trigger('retention')).toBe('succeeded');
      await s.stop();
      const runs = await store.listJobRuns({ job: 'retention', limit: 5 });
      expect(runs.items.map((r) => r.status)).toEqual(['succeeded']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
