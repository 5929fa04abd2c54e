import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_MODEL, type Driftwatch, startDriftwatch } from './driftwatch-fixture.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const DIR = resolve(import.meta.dirname, '../../clients/python');

/**
 * The Python client's own unittest suite (clients/python/test_driftwatch_client.py), run by the
 * machine's python3 against a real driftwatch on loopback, so `npm test` covers it.
 */
describe('the Python client', () => {
  let dw: Driftwatch;
  beforeAll(async () => {
    dw = await startDriftwatch();
  });
  afterAll(async () => dw?.close());

  it('passes its unittest suite, none skipped, against the real driftwatch', async () => {
    const child = spawn(PYTHON, ['-W', 'error::ResourceWarning', '-m', 'unittest', '-v', 'test_driftwatch_client'], {
      cwd: DIR,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        DRIFTWATCH_TEST_URL: dw.url,
        DRIFTWATCH_TEST_INGEST_KEY: dw.ingestKey,
        DRIFTWATCH_TEST_ADMIN_KEY: dw.adminKey,
        DRIFTWATCH_TEST_MODEL: CLIENT_MODEL.model_id,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code, out).toBe(0);
    expect(out).toMatch(/^Ran 14 tests in /m);
    expect(out).toMatch(/^OK$/m);
    expect(out).not.toMatch(/skipped/i);
    // what the Python tests stored is really there
    expect((await dw.storedIds()).filter((id) => id.startsWith('py-ok-'))).toHaveLength(500);
  });
});
