/**
 * Shared pieces of the client benchmarks: the built driftwatch on a temp SQLite file, the bench
 * model (12 features: 8 numeric, 4 categorical with a protected attribute; 3 classes with
 * probabilities; explanations), a keep-alive POST helper and quantiles.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
export const MODEL_ID = 'bench-client';
const NUMERIC = ['age', 'income', 'credit_score', 'debt_ratio', 'tenure_months', 'num_accounts', 'utilization', 'inquiries'];
const CATEGORICAL = { region: ['north', 'south', 'east', 'west', 'central'], employment: ['salaried', 'self_employed', 'contract', 'retired'], channel: ['web', 'mobile', 'branch'], gender: ['female', 'male', 'nonbinary'] };
const LABELS = ['approve', 'review', 'deny'];
const FEATURES = [...NUMERIC, ...Object.keys(CATEGORICAL)];
export const MODEL = {
  model_id: MODEL_ID,
  name: 'client bench',
  task: 'multiclass_classification',
  labels: LABELS,
  features: [...NUMERIC.map((name) => ({ name, type: 'numeric' })), ...Object.keys(CATEGORICAL).map((name) => ({ name, type: 'categorical', ...(name === 'gender' ? { protected: true, privileged_group: 'male' } : {}) }))],
  explanation_features: FEATURES,
};

/** Seeded generator (xorshift). */
export function rng(seed) {
  let a = seed >>> 0 || 1;
  let b = (seed * 2654435761) >>> 0 || 2;
  return () => {
    const t = a ^ (a << 11);
    a = b;
    b = b ^ (b >>> 19) ^ (t ^ (t >>> 8));
    return (b >>> 0) / 4294967296;
  };
}
const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d;

/** One prediction as a service would log it: no id, no timestamp (the client fills them in). */
export function prediction(r) {
  const features = {};
  for (const f of NUMERIC) features[f] = round(r() * 1000, 3);
  for (const [name, values] of Object.entries(CATEGORICAL)) features[name] = values[Math.floor(r() * values.length)];
  const w = [r() + 0.2, r(), r() * 0.6];
  const s = w[0] + w[1] + w[2];
  const p0 = round(w[0] / s, 4);
  const p1 = round(w[1] / s, 4);
  const probabilities = { approve: p0, review: p1, deny: round(1 - p0 - p1, 4) };
  const explanation = {};
  for (const f of FEATURES) explanation[f] = round((r() - 0.5) * 0.4, 5);
  const label = LABELS[p0 >= p1 && p0 >= probabilities.deny ? 0 : p1 >= probabilities.deny ? 1 : 2];
  return { model_version: 'v1', features, prediction: { label, probabilities }, explanation, metadata: { user_id: `u${Math.floor(r() * 1e6)}`, latency_ms: round(2 + r() * 40, 2) } };
}

/** A keep-alive POST; resolves { status, body (text), ms }. */
export function poster(baseUrl, { token, sockets = 16 } = {}) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const post = (path, body, contentType = 'application/json', headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const t0 = process.hrtime.bigint();
      const req = http.request(
        { hostname: url.hostname, port: url.port, method: 'POST', path, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType, 'content-length': payload.length, ...headers } },
        (res) => {
          const parts = [];
          res.on('data', (c) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString(), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { post, close: () => agent.destroy() };
}

/** A child process running `node <args>` that prints a line matching `ready`; resolves { child, match, output, stop }. */
export async function startProcess(args, ready, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const match = await new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      const m = ready.exec(output);
      if (m) resolve(m);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)));
  });
  return {
    child,
    match,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The built driftwatch on a fresh SQLite file, with the bench model registered. */
export async function startDriftwatch() {
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-client-'));
  // the bootstrap key is printed before the listening line
  const p = await startProcess([join(DIST, 'cli/main.js'), 'serve', '--port', '0', '--db', join(dir, 'bench.db')], /listening on (http:\/\/[\d.:]+)/, {
    DRIFTWATCH_SCHEDULER: 'false',
    DRIFTWATCH_LOG_LEVEL: 'warn',
  });
  const out = p.output();
  const url = /listening on (http:\/\/[\d.:]+)/.exec(out)[1];
  const key = /\b(dw_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43})\b/.exec(out)[1];
  const c = poster(url, { token: key });
  const res = await c.post('/api/v1/models', MODEL);
  c.close();
  if (res.status !== 201) throw new Error(`model registration: ${res.status} ${res.body}`);
  return {
    url,
    key,
    pid: p.child.pid,
    stop: async () => {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Cumulative user+system CPU seconds of a process (Linux /proc). */
export function cpuSecondsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Nearest-rank quantile of a sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
export const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);
