import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { type Instance, LEASE_MS, TICK_MS, api, dropSchema, predictions, registerModel, sqlClient, startCluster } from './cluster-fixtures.js';

const MODELS = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
/** these models get drifted traffic: CRITICAL findings, so incidents and alerts */
const DRIFTED = new Set(MODELS.slice(0, 4));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Tick = { job: string; tick_at: number; owner: string; status: string; attempts: number; claimed_at: number; finished_at: number | null };

/**
 * Three `driftwatch serve` processes (separate ports) on one PostgreSQL schema: they start
 * together on a fresh schema, take ingestion round-robin, and analyse 20 models every 5 s.
 * Every tick analyses each model once; the instance holding a lease is SIGKILLed mid-tick and
 * its ticks are taken over within the lease time; nothing acknowledged is lost; no twin
 * incident or repeated alert.
 */
describe('three instances on one PostgreSQL', () => {
  const schema = `dwcluster_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'dw-cluster-'));
  let instances: Instance[] = [];
  let key = '';
  let db: Awaited<ReturnType<typeof sqlClient>>;
  let acked = 0;

  beforeAll(async () => {
    instances = await startCluster(schema, dir, 3);
    db = await sqlClient(schema);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill()));
    await db?.end();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const alive = () => instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
  const ingest = async (rows: Record<string, unknown>[], via: Instance) => {
    const r = await api<{ accepted: number }>(via.url, key, 'POST', '/api/v1/predictions', rows);
    acked += r.accepted;
  };

  it('starts together on a fresh schema: migrations applied once, one bootstrap key, all ready', async () => {
    const keys = instances.map((i) => i.bootstrapKey).filter((k): k is string => k !== undefined);
    expect(keys).toHaveLength(1);
    key = keys[0];
    const applied = await db.rows<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    expect(applied.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    expect(await db.rows('SELECT 1 FROM api_keys')).toHaveLength(1);
    for (const i of instances) {
      const ready = await (await fetch(`${i.url}/ready`)).json();
      expect(ready.status, JSON.stringify(ready)).toBe('ready');
      expect(ready.checks.cluster.info).toMatchObject({ mode: 'cluster', lag_ms: 0, lease_ms: LEASE_MS });
    }
  });

  it('analyses every model once per tick across the cluster, and a killed lease holder’s ticks are taken over', async () => {
    // models and baselines, registered through all three
    await Promise.all(MODELS.map((m, k) => registerModel(instances[k % 3].url, key, m, 100 + k)));
    for (const [k, m] of MODELS.entries()) await ingest(predictions(m, 150, 200 + k, `${m}-a-`, DRIFTED.has(m)), instances[k % 3]);

    // ingestion keeps going through whichever instances are alive
    let ingesting = true;
    let round = 0;
    const feeder = (async () => {
      while (ingesting) {
        const targets = alive();
        const m = MODELS[round % MODELS.length];
        await ingest(predictions(m, 40, 1000 + round, `${m}-r${round}-`, DRIFTED.has(m), 5), targets[round % targets.length]).catch(() => undefined);
        round++;
        await sleep(150);
      }
    })();

    // wait for a tick every model takes part in, then kill whoever holds an analysis lease mid-run
    const firstFull = await until(async () => {
      const rows = await db.rows<{ tick_at: string; n: string }>(`SELECT tick_at, count(*) AS n FROM job_ticks WHERE job LIKE 'analysis:%' GROUP BY tick_at HAVING count(*) = ${MODELS.length} ORDER BY tick_at LIMIT 1`);
      return rows[0] ? Number(rows[0].tick_at) : undefined;
    }, 30_000);
    let victim: Instance | undefined;
    let held: Tick[] = [];
    let killedAt = 0;
    await until(async () => {
      const running = await db.rows<Tick>(`SELECT * FROM job_ticks WHERE job LIKE 'analysis:%' AND status = 'running' AND tick_at > $1`, [firstFull]);
      if (running.length === 0) return undefined;
      const pid = Number(running[0].owner.split(':')[1]);
      victim = instances.find((i) => i.pid === pid);
      if (!victim) return undefined;
      victim.child.kill('SIGKILL');
      killedAt = Date.now();
      held = running.filter((t) => Number(t.owner.split(':')[1]) === pid);
      return true;
    }, 30_000, 20);
    await victim!.kill();
    expect(held.length).toBeGreaterThan(0);

    // two more ticks on the two survivors, then stop feeding
    const lastTick = await until(async () => {
      const rows = await db.rows<{ t: string }>(`SELECT max(tick_at) AS t FROM job_ticks WHERE job LIKE 'analysis:%' AND claimed_at > $1`, [killedAt + 2 * TICK_MS]);
      return rows[0]?.t ? Number(rows[0].t) : undefined;
    }, 30_000);
    ingesting = false;
    await feeder;
    // every tick up to lastTick has finished everywhere
    await until(async () => ((await db.rows(`SELECT 1 FROM job_ticks WHERE status = 'running' AND tick_at <= $1`, [lastTick])).length === 0 ? true : undefined), 20_000).catch(async (e) => {
      console.log('STUCK', victim?.pid, killedAt, JSON.stringify(await db.rows(`SELECT * FROM job_ticks WHERE status = 'running' AND tick_at <= $1`, [lastTick])));
      for (const i of alive()) console.log(i.pid, i.output().slice(-3000));
      throw e;
    });

    // the killed holder's ticks: taken over by a survivor within the lease (plus a poll and the run)
    for (const h of held) {
      const [now] = await db.rows<Tick>('SELECT * FROM job_ticks WHERE job = $1 AND tick_at = $2', [h.job, h.tick_at]);
      expect(now.status).toBe('done');
      expect(now.owner).not.toBe(h.owner);
      expect(now.attempts).toBeGreaterThanOrEqual(2);
      expect(Number(now.claimed_at) - killedAt).toBeLessThan(LEASE_MS + 2500);
    }

    // every analysis tick from the first full one to the last: each model exactly one scheduled record
    const ticks = await db.rows<Tick>(`SELECT * FROM job_ticks WHERE job LIKE 'analysis:%' AND tick_at >= $1 AND tick_at <= $2`, [firstFull, lastTick]);
    const slots = (Number(lastTick) - Number(firstFull)) / TICK_MS + 1;
    expect(slots).toBeGreaterThanOrEqual(4);
    expect(ticks).toHaveLength(slots * MODELS.length);
    expect(ticks.every((t) => t.status === 'done')).toBe(true);
    const records = await db.rows<{ model_id: string; timestamp: string; n: string }>(
      `SELECT model_id, timestamp, count(*) AS n FROM monitoring_records WHERE trigger = 'schedule' AND timestamp >= $1 AND timestamp <= $2 GROUP BY 1, 2`,
      [firstFull, lastTick],
    );
    expect(records.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(records).toHaveLength(slots * MODELS.length);
    const recorded = new Set(records.map((r) => `analysis:${r.model_id}@${r.timestamp}`));
    expect(ticks.filter((t) => !recorded.has(`${t.job}@${t.tick_at}`))).toEqual([]);
    const completed = await db.rows(`SELECT 1 FROM monitoring_records WHERE trigger = 'schedule' AND status = 'completed' AND timestamp >= $1`, [firstFull]);
    const statuses = await db.rows(`SELECT status, error, body::jsonb->>'skipped_reason' AS why, count(*) AS n FROM monitoring_records WHERE trigger = 'schedule' AND timestamp >= $1 GROUP BY 1, 2, 3`, [firstFull]);
    expect(completed.length, JSON.stringify(statuses)).toBeGreaterThan(slots * MODELS.length * 0.9);
    // the work was shared: more than one instance led analyses
    expect(new Set(ticks.map((t) => t.owner)).size).toBeGreaterThan(1);

    // retention and self-monitoring also once per tick: one finished run per done tick
    for (const job of ['retention', 'self-monitoring']) {
      const done = await db.rows<Tick>(`SELECT * FROM job_ticks WHERE job = $1 AND status = 'done'`, [job]);
      expect(done.length, job).toBeGreaterThanOrEqual(slots - 1);
      if (job === 'retention') {
        // one finished run per tick; one more only if the killed instance finished a run and died before marking its tick done
        const runs = await db.rows(`SELECT 1 FROM job_runs WHERE job = 'retention' AND status <> 'running'`);
        expect(runs.length).toBeGreaterThanOrEqual(done.length);
        expect(runs.length).toBeLessThanOrEqual(done.length + 1);
      }
    }

    // no twin incident, no repeated alert (dedup holds across instances)
    const alerts = await db.rows<{ model_id: string }>('SELECT model_id FROM alerts');
    expect(alerts.length).toBeGreaterThan(0);
    for (const m of DRIFTED) expect(alerts.some((a) => a.model_id === m), m).toBe(true);
    expect(await db.rows(`SELECT model_id, rule_id, metric_name, severity FROM alerts GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`)).toEqual([]);
    expect(await db.rows(`SELECT model_id, condition_key FROM incidents GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([]);
    expect((await db.rows('SELECT DISTINCT model_id FROM incidents')).length).toBe(DRIFTED.size);

    // every prediction acknowledged with a 2xx is stored once
    const [keys] = await db.rows<{ n: string }>('SELECT count(*) AS n FROM prediction_keys');
    const [rows] = await db.rows<{ n: string }>('SELECT sum(row_count) AS n FROM prediction_blocks');
    expect(Number(keys.n)).toBeGreaterThanOrEqual(acked);
    expect(Number(rows.n)).toBe(Number(keys.n));

    // a survivor's /ready names its role in the analysis jobs
    const ready = await (await fetch(`${alive()[0].url}/ready`)).json();
    const roles = Object.entries(ready.checks.cluster.info.roles as Record<string, { role: string }>).filter(([job]) => job.startsWith('analysis:'));
    expect(roles).toHaveLength(MODELS.length);
    expect(roles.filter(([, r]) => !["leader", "follower", "takeover"].includes(r.role)), JSON.stringify(roles)).toEqual([]);
  }, 90_000);
});

/** Poll `check` until it returns a value (not undefined); fail after `ms`. */
async function until<T>(check: () => Promise<T | undefined>, ms: number, every = 200): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(every);
  }
}
