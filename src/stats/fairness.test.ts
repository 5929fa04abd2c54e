import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countGroups } from './fairness-groups.js';
import { fairnessFromCounts, fairnessMetrics } from './fairness.js';

interface FairnessCase {
  name: string;
  groups: string[];
  group_index: number[];
  predicted_positive: number[];
  actual_positive: number[];
  has_outcome: number[];
  privileged_group: string | null;
  min_group_size: number;
  expected: {
    groups: { count: number; selection_rate: number | null; labelled: number; actual_positives: number; actual_negatives: number; tpr: number | null; fpr: number | null }[];
    demographic_parity_difference: number;
    demographic_parity_ratio: number;
    disparate_impact: number;
    equal_opportunity_difference: number | null;
    equalized_odds_difference: number | null;
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/model-metrics.json', import.meta.url), 'utf8'),
) as { fairness: FairnessCase[] };

function close(actual: number | null | undefined, expected: number | null): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-15);
}

describe('fairnessMetrics against fairlearn-equivalent fixtures', () => {
  it('has the cases the generator promises', () => expect(fixture.fairness.length).toBeGreaterThanOrEqual(4));
  for (const c of fixture.fairness) {
    it(c.name, () => {
      const r = fairnessMetrics(
        {
          attribute: 'group',
          groups: c.groups,
          groupIndex: Int32Array.from(c.group_index),
          predictedPositive: Uint8Array.from(c.predicted_positive),
          actualPositive: Uint8Array.from(c.actual_positive),
          hasOutcome: Uint8Array.from(c.has_outcome),
        },
        { privilegedGroup: c.privileged_group ?? undefined, minGroupSize: c.min_group_size },
      );
      c.expected.groups.forEach((g, i) => {
        expect(r.groups[i]).toMatchObject({ count: g.count, labelled: g.labelled, actual_positives: g.actual_positives, actual_negatives: g.actual_negatives });
        close(r.groups[i].selection_rate, g.selection_rate);
        close(r.groups[i].true_positive_rate, g.tpr);
        close(r.groups[i].false_positive_rate, g.fpr);
      });
      close(r.demographic_parity_difference.value, c.expected.demographic_parity_difference);
      close(r.demographic_parity_ratio.value, c.expected.demographic_parity_ratio);
      close(r.disparate_impact.value, c.expected.disparate_impact);
      close(r.equal_opportunity_difference?.value, c.expected.equal_opportunity_difference);
      close(r.equalized_odds_difference?.value, c.expected.equalized_odds_difference);
    });
  }
});

/** Rows with the given selection counts per group: [group, rows, positives]. */
function rowsOf(spec: [string, number, number][]) {
  const groupIndex: number[] = [];
  const pred: number[] = [];
  spec.forEach(([, n, pos], g) => {
    for (let i = 0; i < n; i++) {
      groupIndex.push(g);
      pred.push(i < pos ? 1 : 0);
    }
  });
  return { attribute: 'gender', groups: spec.map((s) => s[0]), groupIndex: Int32Array.from(groupIndex), predictedPositive: Uint8Array.from(pred) };
}

describe('fairness severities and affected groups', () => {
  it('names the disadvantaged group of the flow document example', () => {
    // approval 0.55 vs 0.41: parity difference 0.14 CRITICAL, disparate impact 0.745 CRITICAL
    const r = fairnessMetrics(rowsOf([['male', 200, 110], ['female', 200, 82]]));
    expect(r.reference_group).toBe('male');
    expect(r.reference_rule).toBe('highest_selection_rate');
    expect(r.demographic_parity_difference).toMatchObject({ severity: 'CRITICAL', threshold: 0.1, affected_groups: ['female'] });
    expect(r.demographic_parity_difference.value).toBeCloseTo(0.14, 12);
    expect(r.disparate_impact).toMatchObject({ severity: 'CRITICAL', threshold: 0.8, affected_groups: ['female'] });
    expect(r.disparate_impact.value).toBeCloseTo(82 / 110, 12);
    expect(r.equal_opportunity_difference).toBeNull();
    expect(r.equalized_odds_difference).toBeNull();
  });

  it('grades WARNING at the warning thresholds and names no group at INFO', () => {
    const warn = fairnessMetrics(rowsOf([['a', 100, 50], ['b', 100, 44]]));
    expect(warn.demographic_parity_difference).toMatchObject({ severity: 'WARNING', threshold: 0.05, affected_groups: ['b'] });
    expect(warn.disparate_impact).toMatchObject({ severity: 'WARNING', threshold: 0.9, affected_groups: ['b'] });
    const fine = fairnessMetrics(rowsOf([['a', 100, 50], ['b', 100, 48]]));
    expect(fine.demographic_parity_difference).toMatchObject({ severity: 'INFO', threshold: null, affected_groups: [] });
  });

  it('uses the privileged group as reference, and the ends of the spread when it sits in the middle', () => {
    const r = fairnessMetrics(rowsOf([['p', 100, 50], ['lo', 100, 44], ['hi', 100, 56]]), { privilegedGroup: 'p' });
    expect(r.reference_rule).toBe('privileged_group');
    expect(r.demographic_parity_difference.value).toBeCloseTo(0.12, 12);
    expect(r.demographic_parity_difference.severity).toBe('CRITICAL');
    expect(r.demographic_parity_difference.affected_groups).toEqual(['lo', 'hi']);
    expect(r.disparate_impact.value).toBeCloseTo(0.88, 12);
    expect(r.disparate_impact.affected_groups).toEqual(['lo']);
    expect(() => fairnessMetrics(rowsOf([['a', 40, 1]]), { privilegedGroup: 'zz' })).toThrow(RangeError);
  });

  it('reports small groups without judging them', () => {
    const r = fairnessMetrics(rowsOf([['a', 100, 50], ['b', 100, 48], ['tiny', 10, 0]]));
    expect(r.unjudged_groups).toEqual(['tiny']);
    expect(r.groups[2]).toMatchObject({ count: 10, selection_rate: 0, judged: false });
    expect(r.notes[0]).toContain('tiny');
    expect(r.demographic_parity_difference.value).toBeCloseTo(0.02, 12);
    expect(r.demographic_parity_difference.severity).toBe('INFO');
    const judgedAll = fairnessMetrics(rowsOf([['a', 100, 50], ['b', 100, 48], ['tiny', 10, 0]]), { minGroupSize: 5 });
    expect(judgedAll.demographic_parity_difference.affected_groups).toEqual(['tiny']);
  });

  it('grades equal opportunity and equalized odds from outcomes, with the mask', () => {
    // group a: 100 positives, TPR 0.8; group b: 100 positives, TPR 0.66; FPR 0.2 and 0.18; unlabelled rows ignored
    const groupIndex: number[] = [];
    const pred: number[] = [];
    const actual: number[] = [];
    const has: number[] = [];
    const add = (g: number, n: number, p: number, a: number, h: number) => {
      for (let i = 0; i < n; i++) groupIndex.push(g), pred.push(p), actual.push(a), has.push(h);
    };
    add(0, 80, 1, 1, 1), add(0, 20, 0, 1, 1), add(0, 20, 1, 0, 1), add(0, 80, 0, 0, 1);
    add(1, 66, 1, 1, 1), add(1, 34, 0, 1, 1), add(1, 18, 1, 0, 1), add(1, 82, 0, 0, 1);
    add(1, 50, 0, 1, 0); // no outcome: must not lower b's TPR
    const r = fairnessMetrics({
      attribute: 'race',
      groups: ['a', 'b'],
      groupIndex: Int32Array.from(groupIndex),
      predictedPositive: Uint8Array.from(pred),
      actualPositive: Uint8Array.from(actual),
      hasOutcome: Uint8Array.from(has),
    });
    expect(r.groups[1]).toMatchObject({ labelled: 200, actual_positives: 100, true_positive_rate: 0.66 });
    expect(r.equal_opportunity_difference!.value).toBeCloseTo(0.14, 12);
    expect(r.equal_opportunity_difference).toMatchObject({ severity: 'CRITICAL', affected_groups: ['b'] });
    expect(r.equalized_odds_difference!.value).toBeCloseTo(0.14, 12);
    expect(r.equalized_odds_difference!.affected_groups).toEqual(['b']);
  });

  it('leaves ratios undefined when the reference rate is 0 and skips missing groups', () => {
    const input = rowsOf([['a', 50, 0], ['b', 50, 0]]);
    const withMissing = { ...input, groupIndex: Int32Array.from([...input.groupIndex, -1]), predictedPositive: Uint8Array.from([...input.predictedPositive, 1]) };
    const r = fairnessMetrics(withMissing);
    expect(r.missing).toBe(1);
    expect(r.demographic_parity_difference.value).toBe(0);
    expect(r.disparate_impact.value).toBeNull();
    expect(r.disparate_impact.severity).toBe('INFO');
  });
});

describe('fairness properties', () => {
  const rows = fc.array(fc.record({ g: fc.integer({ min: 0, max: 3 }), p: fc.boolean(), a: fc.boolean() }), { minLength: 1, maxLength: 200 });
  const inputOf = (rs: { g: number; p: boolean; a: boolean }[], names: string[], perm: number[]) => ({
    attribute: 'x',
    groups: names,
    groupIndex: Int32Array.from(rs, (r) => perm[r.g]),
    predictedPositive: Uint8Array.from(rs, (r) => (r.p ? 1 : 0)),
    actualPositive: Uint8Array.from(rs, (r) => (r.a ? 1 : 0)),
  });

  it('is symmetric under renaming and reordering the groups', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const a = fairnessMetrics(inputOf(rs, ['g0', 'g1', 'g2', 'g3'], [0, 1, 2, 3]), { minGroupSize: 3 });
        // group i becomes group perm[i], named 'n' + i
        const perm = [2, 0, 3, 1];
        const names: string[] = [];
        perm.forEach((to, from) => (names[to] = `n${from}`));
        const b = fairnessMetrics(inputOf(rs, names, perm), { minGroupSize: 3 });
        for (const key of ['demographic_parity_difference', 'demographic_parity_ratio', 'disparate_impact', 'equal_opportunity_difference', 'equalized_odds_difference'] as const) {
          const x = a[key]!;
          const y = b[key]!;
          expect(y.value).toBe(x.value);
          expect(y.severity).toBe(x.severity);
          expect([...y.affected_groups].sort()).toEqual([...x.affected_groups].map((n) => `n${n.slice(1)}`).sort());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant to row order and agrees with its own counts', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const ids = [0, 1, 2, 3];
        const a = fairnessMetrics(inputOf(rs, ['a', 'b', 'c', 'd'], ids), { minGroupSize: 2 });
        const b = fairnessMetrics(inputOf([...rs].reverse(), ['a', 'b', 'c', 'd'], ids), { minGroupSize: 2 });
        expect(b).toEqual(a);
        expect(fairnessFromCounts(countGroups(inputOf(rs, ['a', 'b', 'c', 'd'], ids)), { minGroupSize: 2 })).toEqual(a);
        if (a.demographic_parity_difference.value !== null) {
          expect(a.demographic_parity_difference.value >= 0 && a.demographic_parity_difference.value <= 1).toBe(true);
        }
      }),
    );
  });
});
