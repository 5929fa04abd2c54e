import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkConfig, maskSecrets } from '../../src/cli/config-check.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The YAML after the first blank line of a successful check. */
const effective = (text: string) => parseYaml(text.slice(text.indexOf('\n\n') + 2)) as Record<string, Record<string, unknown>>;

describe('config check', () => {
  it('prints the effective config (file, then env) with secrets masked', async () => {
    const path = file(
      'ok.yaml',
      ['server:', '  port: 9000', 'store:', '  database_url: postgres://app:hunter2@db.internal:5432/dw', 'metrics:', '  token: s3cret', 'slack:', '  bot_token: xoxb-1', '  channel: "#ml"', '  webhook: https://u:pw@hooks.example/x'].join('\n'),
    );
    const result = await checkConfig({ config: path }, { DRIFTWATCH_PORT: '9100', DRIFTWATCH_LOG_LEVEL: 'warn' });
    expect(result.ok).toBe(true);
    expect(result.text).not.toContain('hunter2');
    expect(result.text).not.toContain('s3cret');
    expect(result.text).not.toContain('xoxb-1');
    const cfg = effective(result.text);
    expect(cfg.server.port).toBe(9100); // env wins over the file
    expect(cfg.log.level).toBe('warn');
    expect(cfg.store.database_url).toBe('postgres://app:***@db.internal:5432/dw');
    expect(cfg.metrics.token).toBe('***');
    expect(cfg.slack).toEqual({ bot_token: '***', channel: '#ml', webhook: 'https://u:***@hooks.example/x' });
  });

  it('lists every problem, naming the key, including the cron expression', async () => {
    const path = file('bad.yaml', ['server:', '  port: 70000', '  colour: blue', 'log:', '  level: loud', 'scheduler:', '  retention_cron: "every night"'].join('\n'));
    const result = await checkConfig({ config: path }, { DRIFTWATCH_METRICS: 'perhaps' });
    expect(result.ok).toBe(false);
    for (const key of ['server.port', 'server.colour', 'log.level', 'metrics.enabled (env DRIFTWATCH_METRICS)', 'scheduler.retention_cron']) expect(result.text).toContain(`${key}:`);
  });

  it('catches an invalid cron expression on its own', async () => {
    const result = await checkConfig({ config: file('cron.json', JSON.stringify({ scheduler: { retention_cron: '0 25 * * *' } })) }, {});
    expect(result).toMatchObject({ ok: false });
    expect(result.text).toMatch(/scheduler\.retention_cron: is not a valid cron expression/);
  });

  it('reports an unreadable or unparsable file', async () => {
    expect((await checkConfig({ config: join(dir, 'missing.yaml') }, {})).text).toMatch(/config file: cannot read/);
    expect((await checkConfig({ config: file('broken.json', '{"server": ') }, {})).text).toMatch(/not valid JSON/);
  });

  it('with --connect opens the store and reports its migrations', async () => {
    const ok = await checkConfig({ connect: true }, { DRIFTWATCH_DB: join(dir, 'c.db') });
    expect(ok.ok).toBe(true);
    expect(ok.text).toMatch(/store: SQLite .*c\.db reachable; migrations applied 0, pending \d+/);
    const down = await checkConfig({ connect: true }, { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' });
    expect(down.ok).toBe(false);
    expect(down.text).toMatch(/store: cannot open PostgreSQL postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  });

  it('masks nested secrets but keeps other values', () => {
    expect(maskSecrets({ a: { password: 'x', list: [{ api_key: 'k', name: 'n' }] }, url: 'redis://:pw@h:6379' })).toEqual({
      a: { password: '***', list: [{ api_key: '***', name: 'n' }] },
      url: 'redis://:***@h:6379',
    });
  });
});
