/**
 * Starts the built driftwatch server (`node DIST/cli/main.js serve`) on a fresh SQLite file in
 * a temp dir — or, with `backend: 'postgres'`, on a fresh schema of DRIFTWATCH_BENCH_PG_URL
 * (default the tests' server), dropped at stop — as a child process; reads its URL and
 * bootstrap admin key from stdout; samples its memory from /proc. DIST defaults to ../../dist.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;

/** VmHWM (peak resident set) and VmRSS of a process, in MB. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024, shmemMb: kb('RssShmem') / 1024 };
}

/** Cumulative user+system CPU seconds of a process. */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Start a server process. `command` defaults to driftwatch serve; the naive baseline passes
 * its own script. Resolves once the process printed its URL (and key, for driftwatch).
 */
export const BENCH_PG_URL = process.env.DRIFTWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function startServer({ command, env = {}, nodeArgs = [], backend = 'sqlite' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  const db = join(dir, 'bench.db');
  const pgSchema = backend === 'postgres' && !command ? `bench_ingest_${process.pid}_${Date.now().toString(36)}` : undefined;
  const storeEnv = pgSchema ? { DATABASE_URL: BENCH_PG_URL, DRIFTWATCH_PG_SCHEMA: pgSchema } : {};
  const args = command ?? [join(DIST, 'cli/main.js'), 'serve', '--port', '0', '--db', db];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, DRIFTWATCH_SCHEDULER: 'false', BENCH_DB: db, ...storeEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // BENCH_SERVER_LOG=FILE: keep the server's stdout (log lines, --trace-gc output) in FILE
  if (process.env.BENCH_SERVER_LOG) child.stdout.pipe((await import('node:fs')).createWriteStream(process.env.BENCH_SERVER_LOG));
  let out = '';
  let err = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      if (out.length < 100_000) out += chunk;
      const url = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
      const needKey = command === undefined;
      const key = /\b(dw_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43})\b/.exec(out)?.[1];
      if (url && (key || !needKey)) resolve({ url, key });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => {
      if (err.length < 100_000) err += c;
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out.slice(-2000)}\n${err.slice(-2000)}`)));
  });
  const { url, key } = await ready;
  return {
    url,
    key,
    pid: child.pid,
    db,
    memory: () => memoryOf(child.pid),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    backend: pgSchema ? 'postgres' : 'sqlite',
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      if (pgSchema) await dropPgSchema(pgSchema);
    },
  };
}

async function dropPgSchema(schema) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: BENCH_PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}
