import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema } from '../../src/domain/model-schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CLI } from '../reliability/server-process.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the built CLI; resolves with the exit code and output whatever the code. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DRIFTWATCH_DB', 'DRIFTWATCH_CONFIG']) delete base[k];
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the built driftwatch CLI', () => {
  it('lists every subcommand in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'import', 'keys', 'migrate', 'config', 'report']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('manages keys on the store named by DRIFTWATCH_DB', async () => {
    const env = { DRIFTWATCH_DB: join(dir, 'keys.db') };
    const created = await cli(['keys', 'create', '--name', 'robot', '--scope', 'ingest', '--json'], env);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; token: string };
    expect(key.token).toMatch(/^dw_/);
    const store = SqliteStore.open({ path: env.DRIFTWATCH_DB });
    const stored = await store.getApiKey(key.id);
    await store.close();
    expect(stored).toMatchObject({ name: 'robot', scopes: ['ingest'], revoked_at: null });
    const revoked = await cli(['keys', 'revoke', 'no-such-key'], env);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/no API key with id no-such-key/);
  });

  it('imports a CSV and exits 2 when some rows were rejected', async () => {
    const db = join(dir, 'import.db');
    const store = SqliteStore.open({ path: db });
    await store.migrate();
    const schema = parseModelSchema({ task: 'binary_classification', labels: ['0', '1'], features: [{ name: 'x', type: 'numeric' }] });
    await store.createModel({ model_id: 'm', name: 'm', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 });
    await store.close();
    const file = join(dir, 'rows.csv');
    writeFileSync(file, 'prediction_id,x,label\na,1,1\nb,two,0\nc,3,0\n');
    const res = await cli(['import', '--db', db, '--model', 'm', file, '--json']);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows_read: 3, written: 2, rejected: 1, rejected_lines: [3] });
  });

  it('config check exits 1 naming the key', async () => {
    const bad = await cli(['config', 'check'], { DRIFTWATCH_PORT: 'eighty' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/server\.port \(env DRIFTWATCH_PORT\): must be an integer/);
  });
});
