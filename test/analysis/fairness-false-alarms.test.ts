import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { MonitoringService } from '../../src/analysis/monitoring-service.js';
import { fairnessFindings, fairnessOf } from '../../src/analysis/fairness-drift.js';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/thresholds.js';
import type { Store } from '../../src/store/store.js';

const NOW = Date.UTC(2026, 10, 20);
const schema = parseModelSchema(LOAN_MODEL as unknown as Record<string, unknown>);
const model: Model = { model_id: LOAN_MODEL.model_id, name: 'loan', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: NOW, updated_at: NOW };
const service = new MonitoringService(null as unknown as Store, () => NOW);

function window(seed: number, femaleApprovalFactor?: number) {
  const t = loanTraffic(10_000, { seed, from: NOW - 86_400_000, to: NOW, femaleApprovalFactor });
  // outcomes for half of the predictions
  return service.validationWindow(model, t.predictions.map((p, i) => (i % 2 === 0 ? { ...p, actual: t.outcomes[i].actual } : p)));
}

describe('fairness judging on windows of 10,000 predictions', () => {
  it('raises no fairness finding on 40 seeded clean windows (groups of ~400 included)', () => {
    const flagged: string[] = [];
    for (let seed = 100; seed < 140; seed++) {
      const findings = fairnessFindings(fairnessOf(schema, window(seed), DEFAULT_THRESHOLDS), {}, DEFAULT_THRESHOLDS);
      for (const f of findings) if (f.severity !== 'INFO') flagged.push(`${seed}:${f.metric}=${f.value?.toFixed(3)}`);
    }
    expect(flagged).toEqual([]);
  });

  it('flags a planted approval drop for female applicants in every seeded window, naming only that group', () => {
    for (let seed = 200; seed < 210; seed++) {
      const r = fairnessOf(schema, window(seed, 0.6), DEFAULT_THRESHOLDS).gender;
      expect(r.disparate_impact.severity).toBe('CRITICAL');
      expect(r.demographic_parity.severity).toBe('CRITICAL');
      expect(r.affected_groups).toEqual(['female']);
    }
  });
});
