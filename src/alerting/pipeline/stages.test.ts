import { describe, expect, it } from 'vitest';
import type { AlertCandidate, Silence } from '../types.js';
import { cooldownStage } from './cooldown-stage.js';
import { dedupStage } from './dedup-stage.js';
import { runStages } from './run-stages.js';
import { silenceStage } from './silence-stage.js';
import type { PipelineState } from './types.js';

const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;
const candidate: AlertCandidate = {
  source: 'rule',
  rule_id: 'builtin.critical-findings',
  model_id: 'loan-approval',
  metric: 'data_drift.psi.income',
  value: 0.4,
  threshold: 0.25,
  severity: 'CRITICAL',
  component: 'model',
  title: 't',
  message: 'm',
  affected_groups: [],
  labels: {},
  monitoring_record_id: null,
  period: null,
  channels: [],
};
const silence = (over: Partial<Silence>): Silence => ({
  silence_id: 'SIL-1',
  matchers: [{ label: 'model_id', op: '=', value: 'loan-approval' }],
  starts_at: NOW - HOUR,
  ends_at: NOW + HOUR,
  created_by: 'ops',
  comment: 'maintenance',
  created_at: NOW - HOUR,
  ...over,
});
const state = (over: Partial<PipelineState> = {}): PipelineState => ({ silences: [], recentAlert: null, dedupWindowMs: 6 * HOUR, ruleState: null, cooldownMs: HOUR, ...over });

describe('pipeline stages', () => {
  it('silence: active and matching suppresses, naming the silence', () => {
    const r = silenceStage(candidate, state({ silences: [silence({})] }), NOW);
    expect(r).toMatchObject({ decision: 'suppressed', silence_id: 'SIL-1' });
    expect(r.reason).toMatch(/SIL-1 \(maintenance\).*ops.*2026-06-01T13:00:00.000Z/);
  });

  it('silence: not yet started, ended, or not matching lets it through', () => {
    expect(silenceStage(candidate, state({ silences: [silence({ starts_at: NOW + 1 })] }), NOW).decision).toBe('pass');
    expect(silenceStage(candidate, state({ silences: [silence({ ends_at: NOW })] }), NOW).decision).toBe('pass');
    expect(silenceStage(candidate, state({ silences: [silence({ matchers: [{ label: 'severity', op: '=', value: 'WARNING' }] })] }), NOW).decision).toBe('pass');
    const two = silence({ matchers: [{ label: 'model_id', op: '=~', value: 'loan-.*' }, { label: 'metric', op: '!~', value: 'fairness\\..*' }] });
    expect(silenceStage(candidate, state({ silences: [two] }), NOW).decision).toBe('suppressed');
  });

  it('dedup: an unresolved alert inside the window makes a duplicate; at the window edge it does not', () => {
    const r = dedupStage(candidate, state({ recentAlert: { alert_id: 'ALT-1', created_at: NOW - 5 * HOUR } }), NOW);
    expect(r.decision).toBe('deduplicated');
    expect(r.reason).toMatch(/ALT-1.*loan-approval, data_drift.psi.income, CRITICAL.*within 6 h/);
    expect(dedupStage(candidate, state({ recentAlert: { alert_id: 'ALT-1', created_at: NOW - 6 * HOUR } }), NOW).decision).toBe('pass');
    expect(dedupStage(candidate, state({ dedupWindowMs: HOUR, recentAlert: { alert_id: 'ALT-1', created_at: NOW - 2 * HOUR } }), NOW).decision).toBe('pass');
  });

  it('cooldown: a rule that fired within its cooldown is cooling down', () => {
    const r = cooldownStage(candidate, state({ ruleState: { last_fired_at: NOW - 20 * 60_000 } }), NOW);
    expect(r.decision).toBe('cooling_down');
    expect(r.reason).toMatch(/40 more min/);
    expect(cooldownStage(candidate, state({ ruleState: { last_fired_at: NOW - HOUR } }), NOW).decision).toBe('pass');
    expect(cooldownStage({ ...candidate, rule_id: null }, state({ ruleState: { last_fired_at: NOW } }), NOW).decision).toBe('pass');
    expect(cooldownStage(candidate, state({ cooldownMs: 0, ruleState: { last_fired_at: NOW } }), NOW).decision).toBe('pass');
  });

  it('runs in order: silence before dedup before cooldown, and a pass carries every reason', () => {
    const all = state({ silences: [silence({})], recentAlert: { alert_id: 'ALT-1', created_at: NOW - HOUR }, ruleState: { last_fired_at: NOW - 1 } });
    expect(runStages(candidate, all, NOW).decision).toBe('suppressed');
    expect(runStages(candidate, { ...all, silences: [] }, NOW).decision).toBe('deduplicated');
    expect(runStages(candidate, { ...all, silences: [], recentAlert: null }, NOW).decision).toBe('cooling_down');
    const pass = runStages(candidate, state(), NOW);
    expect(pass.decision).toBe('pass');
    expect(pass.reason.split('; ')).toHaveLength(3);
  });
});
