import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../delivery/notification.js';
import { ConsoleChannel } from '../console/console-channel.js';
import { FileChannel } from './file-channel.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-file-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = (kind: Notification['kind'], key: string): Notification => ({
  kind,
  delivery_id: `DLV-${key}`,
  idempotency_key: key,
  sequence: 1,
  dedup_key: 'INC-1',
  alert_id: 'ALT-1',
  incident_id: 'INC-1',
  severity: 'CRITICAL',
  title: 'Data drift on income',
  message: 'PSI 0.31',
  model_id: 'loan',
  component: 'model',
  source: 'rule',
  incident_status: 'open',
  metrics: [{ name: 'data_drift.psi.income', value: 0.31, threshold: 0.2, severity: 'CRITICAL', affected_groups: [] }],
  actor: null,
  notes: null,
  started_at: Date.UTC(2026, 0, 1),
  occurred_at: Date.UTC(2026, 0, 1),
  links: { alert: 'http://d/alerts/ALT-1', incident: 'http://d/incidents/INC-1' },
});
const ctx = { signal: new AbortController().signal, timeoutMs: 1000, attempt: 1, now: Date.UTC(2026, 0, 1, 0, 0, 5) };

describe('file and console channels', () => {
  it('the file channel appends one JSON line per notification, creating its directory', async () => {
    const path = join(dir, 'nested', 'alerts.jsonl');
    const file = new FileChannel({ name: 'archive', path });
    await file.send(n('trigger', 'INC-1:1:archive'), ctx);
    await file.send(n('resolve', 'INC-1:2:archive'), ctx);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.event, l.idempotency_key, l.timestamp])).toEqual([
      ['trigger', 'INC-1:1:archive', '2026-01-01T00:00:05.000Z'],
      ['resolve', 'INC-1:2:archive', '2026-01-01T00:00:05.000Z'],
    ]);
    expect(file.view()).toMatchObject({ type: 'file', destination: path });
  });

  it('the console channel logs the headline and structured fields; warn for an alert', async () => {
    const lines: [string, string, Record<string, unknown>][] = [];
    const c = new ConsoleChannel('console', (level, line, fields) => lines.push([level, line, fields]), true);
    await c.send(n('trigger', 'k1'), ctx);
    await c.send(n('acknowledge', 'k2'), ctx);
    expect(lines.map(([level, line]) => [level, line])).toEqual([
      ['warn', 'alert CRITICAL: Data drift on income — model loan'],
      ['info', 'alert Acknowledged: Data drift on income — model loan'],
    ]);
    expect(lines[0][2]).toMatchObject({ idempotency_key: 'k1', incident_id: 'INC-1', metrics: ['data_drift.psi.income 0.31 (threshold 0.2)'], link: 'http://d/incidents/INC-1' });
    expect(c.view()).toMatchObject({ builtin: true, destination: 'service log' });
  });
});
