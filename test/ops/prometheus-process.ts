import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../reliability/server-process.js';

/** A real Prometheus (Debian's package) on loopback with a temp storage dir. */
export interface PrometheusProcess {
  url: string;
  /** an instant query through the HTTP API: the result vector (throws on a query error) */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/** Start Prometheus with `config` (YAML text); resolves once it answers /-/ready. */
export async function startPrometheus(config: string, timeoutMs = 15_000): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let out = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const spawnFailed = new Promise<never>((_, fail) => child.once('error', (e) => fail(new Error(`cannot start prometheus (apt-get install prometheus; .ci/run does): ${e.message}`))));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${out}`);
      const ok = await Promise.race([fetch(`${url}/-/ready`).then((r) => r.ok, () => false), spawnFailed]);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`prometheus not ready in ${timeoutMs} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      if (body.data!.resultType !== 'vector') throw new Error(`${expr}: a ${body.data!.resultType}, not a vector`);
      return body.data!.result as { metric: Record<string, string>; value: [number, string] }[];
    },
    stop,
  };
}
