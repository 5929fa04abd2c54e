import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringService } from '../analysis/monitoring-service.js';
import type { Finding } from '../analysis/types.js';
import { GroupCommitWriter } from '../ingest/group-commit.js';
import { IngestService } from '../ingest/ingest-service.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { type DemoDay, seedDemo } from './seed-demo.js';

const NOW = Date.UTC(2026, 5, 15, 9, 30);

describe('the demo story', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-demo-'));
  const store = SqliteStore.open({ path: join(dir, 'demo.db') });
  const writer = new GroupCommitWriter(store);
  let days: DemoDay[];

  beforeAll(async () => {
    await store.migrate();
    const services = { store, ingest: new IngestService(store, writer, () => NOW), monitoring: new MonitoringService(store, () => NOW) };
    ({ days } = await seedDemo(services, { now: NOW }));
  });
  afterAll(async () => {
    await writer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves one record per day, clean until the last day', async () => {
    expect(days.map((d) => d.day)).toEqual(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-14']);
    expect(days.every((d) => d.record.status === 'completed' && d.record.sample_count === 3000)).toBe(true);
    expect(days.slice(0, -1).map((d) => d.record.max_severity)).toEqual(Array(6).fill('INFO'));
    const listed = await store.listRecords({ model_id: 'loan-approval', limit: 100, withoutBody: true });
    expect(listed.items.map((r) => r.timestamp)).toEqual(days.map((d) => d.record.timestamp).reverse());
    expect(days[6].record.timestamp).toBe(NOW);
  });

  it('shows the income shift and the approval drop for female applicants on the last day', () => {
    const last = days[6].record;
    expect(last.max_severity).toBe('CRITICAL');
    const bad = (last.body.findings as Finding[]).filter((f) => f.severity !== 'INFO');
    expect(new Set(bad.filter((f) => f.category === 'data_drift' && f.feature).map((f) => f.feature))).toEqual(new Set(['income']));
    const fairness = bad.filter((f) => f.category === 'fairness');
    expect(fairness.length).toBeGreaterThan(0);
    expect(fairness.every((f) => f.attribute === 'gender' && f.affected_groups?.join() === 'female')).toBe(true);
    expect(last.aggregated_score!).toBeGreaterThan(Math.max(...days.slice(0, -1).map((d) => d.record.aggregated_score!)));
  });

  it('logs outcomes for part of the traffic, fewer on the last day', async () => {
    expect(days.slice(0, -1).every((d) => d.outcomes === 1800)).toBe(true);
    expect(days[6].outcomes).toBe(900);
    const labelled = await store.summarizeOutcomes('loan-approval', NOW - 7 * 86_400_000, NOW + 1);
    expect(labelled.cells.reduce((s, c) => s + c.n, 0)).toBe(6 * 1800 + 900);
  });
});
