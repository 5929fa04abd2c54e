import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { parseAnalyzeOptions, runAnalyze } from './analyze.js';
import { runDemo } from './demo.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-cli-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('driftwatch demo, then driftwatch analyze on its store', () => {
  const db = join(dir, 'demo.db');
  let lines: string[];
  let reportFile: string;

  beforeAll(async () => {
    writeFileSync(db, 'an old demo store'); // recreated, not reused
    const demo = await runDemo({ db, port: '0' });
    lines = demo.lines;
    reportFile = demo.reportFile;
    try {
      const key = demo.server.bootstrapKey!;
      const res = await fetch(`${demo.server.url}/api/v1/monitoring/records?model_id=loan-approval&range=30d`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { summary: { total_records: number; critical_count: number; info_count: number } };
      expect(body.summary).toMatchObject({ total_records: 7, critical_count: 1, info_count: 6 });
      expect(demo.server.analyses!.scheduleOf('loan-approval')).toBe('0 */6 * * *');
    } finally {
      await demo.server.close();
    }
  });

  it('prints the URL, an admin key, the story and where the HTML report is', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/driftwatch demo: http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/Admin API key[^\n]*\n {2}\S{20,}/);
    expect(text).toMatch(/is CRITICAL:\n {2}income shifted \(PSI \d\.\d\d, critical from 0\.25\)\n {2}approvals of female applicants dropped/);
    expect(existsSync(reportFile)).toBe(true);
    expect(readFileSync(reportFile, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('refuses to delete a store whose name does not say demo', async () => {
    const precious = join(dir, 'production.db');
    writeFileSync(precious, 'keep me');
    await expect(runDemo({ db: precious, port: '0' })).rejects.toThrow(/refusing to delete/);
    expect(readFileSync(precious, 'utf8')).toBe('keep me');
  });

  it('analyze runs on the configured store as text and JSON, and records a cli record', async () => {
    const store = SqliteStore.open({ path: db });
    try {
      const now = Date.now();
      const text = await runAnalyze(store, parseAnalyzeOptions({ model: 'loan-approval' }), () => now);
      expect(text.exitCode).toBe(0);
      expect(text.output).toMatch(/^MON-\d{4}-\S+ {2}loan-approval {2}COMPLETED\n/);
      expect(text.output).toMatch(/CRITICAL +data_drift\.psi\.income = /);
      expect(text.output).toContain('affected: female');
      expect(text.output).toContain('DATA DRIFT DETECTION REPORT');
      const json = await runAnalyze(store, parseAnalyzeOptions({ model: 'loan-approval', windowHours: '1', format: 'json' }), () => now + 1);
      const record = JSON.parse(json.output) as { trigger: string; sample_count: number; analysis_period: { start: string; end: string } };
      expect(record.trigger).toBe('cli');
      expect(Date.parse(record.analysis_period.end) - Date.parse(record.analysis_period.start)).toBe(3_600_000);
      expect(record.sample_count).toBeLessThan(200);
      expect((await store.listRecords({ model_id: 'loan-approval', limit: 10, withoutBody: true })).items.filter((r) => r.trigger === 'cli')).toHaveLength(2);
      await expect(runAnalyze(store, parseAnalyzeOptions({ model: 'nope' }))).rejects.toThrow(/no model "nope"/);
    } finally {
      await store.close();
    }
    expect(() => parseAnalyzeOptions({ model: 'm', windowHours: '0' })).toThrow(/--window-hours/);
    expect(() => parseAnalyzeOptions({ model: 'm', format: 'html' })).toThrow(/--format/);
  });
});
