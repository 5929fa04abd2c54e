import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** The built CLI (`npm test` builds before running the suite). */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** A port that was free a moment ago (bind 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

/** `driftwatch serve` running in a child process. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** the admin token printed on first start, if this start created it */
  bootstrapKey?: string;
  /** everything the process wrote so far (for failure messages) */
  output(): string;
  /** SIGKILL and wait for the exit */
  kill(): Promise<void>;
}

/**
 * Start the real server from dist/ with `env` on top of a cleaned environment (no config file,
 * no store from the parent's env) and wait until it listens.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test runs npm run build)`);
  const port = await freePort();
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'DRIFTWATCH_DB', 'DRIFTWATCH_CONFIG', 'DRIFTWATCH_PG_SCHEMA', 'PORT', 'HOST']) delete base[k];
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...base, DRIFTWATCH_LOG_LEVEL: 'warn', DRIFTWATCH_SCHEDULER: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /driftwatch listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    child,
    url,
    bootstrapKey: /\b(dw_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43})\b/.exec(out)?.[1],
    output: () => out,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
