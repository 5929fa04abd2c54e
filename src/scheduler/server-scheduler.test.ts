import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.js';
import { startServer } from '../server/server.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-srv-sched-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (env: Record<string, string>) =>
  loadConfig({ env: { DRIFTWATCH_DB: join(dir, `${Object.keys(env).join('-') || 'x'}.db`), DRIFTWATCH_PORT: '0', DRIFTWATCH_LOG_LEVEL: 'silent', ...env } });

describe('startServer and the scheduler', () => {
  it('starts retention with the server when the scheduler is enabled and stops it on close', async () => {
    const server = await startServer(config({}), { print: () => undefined });
    try {
      expect(server.scheduler).toBeDefined();
      const next = server.scheduler!.nextRun('retention')!;
      // default 17 3 * * * in UTC
      expect(next.getUTCHours()).toBe(3);
      expect(next.getUTCMinutes()).toBe(17);
      expect(await server.scheduler!.trigger('retention')).toBe('succeeded');
      const runs = await server.store.listJobRuns({ job: 'retention', limit: 5 });
      expect(runs.items).toHaveLength(1);
    } finally {
      await server.close();
    }
    expect(server.scheduler!.nextRun('retention')).toBeNull();
  });

  it('runs no scheduler when disabled', async () => {
    const server = await startServer(config({ DRIFTWATCH_SCHEDULER: 'false' }), { print: () => undefined });
    try {
      expect(server.scheduler).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('refuses to start with an invalid retention cron, naming the key', async () => {
    const file = join(dir, 'bad-cron.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'scheduler:\n  retention_cron: "61 * * * *"\n');
    const cfg = loadConfig({ file, env: { DRIFTWATCH_DB: join(dir, 'bad.db'), DRIFTWATCH_PORT: '0', DRIFTWATCH_LOG_LEVEL: 'silent' } });
    const err = await startServer(cfg, { print: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('scheduler.retention_cron');
  });
});
