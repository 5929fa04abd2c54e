import { compareCategories } from '../stats/categorical.js';
import { fairnessMetrics } from '../stats/fairness.js';
import type { FairnessMetric, GroupFairness } from '../stats/fairness.js';
import { maxSeverity } from '../stats/severity.js';
import type { CategoricalColumn } from './csv/column-builders.js';
import type { ColumnTable } from './csv/merge-columns.js';
import type { ProtectedAttribute, ReportSchema } from './schema.js';
import type { FairnessAttribute, FairnessSection, MetricComparison } from './types.js';

/** The fairness metrics of src/stats/fairness.ts, in report order. */
const METRICS = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'disparate_impact',
  'equal_opportunity_difference',
  'equalized_odds_difference',
] as const;

/** Per side: whether each row was predicted positive, and its outcome where known. */
export interface Outcomes {
  readonly predictedPositive: Uint8Array;
  readonly actualPositive?: Uint8Array;
  readonly hasOutcome?: Uint8Array;
}

/**
 * Fairness of each protected attribute on both sides (src/stats/fairness.ts, fairlearn's
 * definitions); severities and affected groups are those of the current data, the reference
 * values show where it came from.
 */
export function fairnessSection(
  schema: ReportSchema,
  reference: ColumnTable,
  current: ColumnTable,
  outcomes: readonly [Outcomes, Outcomes],
): FairnessSection {
  return {
    attributes: schema.protected_attributes.map((attribute) =>
      fairnessOf(attribute, [reference.columns.get(attribute.name) as CategoricalColumn, current.columns.get(attribute.name) as CategoricalColumn], outcomes),
    ),
  };
}

function fairnessOf(
  attribute: ProtectedAttribute,
  columns: readonly [CategoricalColumn, CategoricalColumn],
  outcomes: readonly [Outcomes, Outcomes],
): FairnessAttribute {
  const groups = [...new Set(columns.flatMap((c) => c.dictionary))].sort(compareCategories);
  const notes: string[] = [];
  const [ref, cur] = columns.map((column, side) => {
    const index = new Map(groups.map((g, i) => [g, i]));
    const remap = column.dictionary.map((g) => index.get(g)!);
    const groupIndex = Int32Array.from(column.codes, (c) => (c < 0 ? -1 : remap[c]));
    const present = column.dictionary;
    let privileged = attribute.privileged_group;
    if (privileged !== undefined && !present.includes(privileged)) {
      notes.push(`privileged group ${privileged} has no rows in the ${side === 0 ? 'reference' : 'current'} data`);
      privileged = undefined;
    }
    return fairnessMetrics({ attribute: attribute.name, groupIndex, groups, ...outcomes[side] }, { privilegedGroup: privileged });
  });
  const metrics: MetricComparison[] = [];
  for (const name of METRICS) {
    const r = ref[name];
    const c = cur[name];
    if (r === null && c === null) continue;
    metrics.push(comparison(name, r, c));
  }
  const affected = new Set(METRICS.flatMap((m) => cur[m]?.affected_groups ?? []));
  return {
    attribute: attribute.name,
    privileged_group: attribute.privileged_group ?? null,
    reference_group: cur.reference_group,
    groups: groups.map((g, i) => ({ group: g, reference: rates(ref.groups[i]), current: rates(cur.groups[i]) })),
    metrics,
    affected_groups: groups.filter((g) => affected.has(g)),
    severity: maxSeverity(metrics.map((m) => m.severity ?? 'INFO')),
    notes: [...notes, ...cur.notes],
  };
}

function comparison(metric: string, reference: FairnessMetric | null, current: FairnessMetric | null): MetricComparison {
  const r = reference?.value ?? null;
  const c = current?.value ?? null;
  return { metric, reference: r, current: c, change: r === null || c === null ? null : c - r, severity: current?.severity ?? 'INFO' };
}

function rates(g: GroupFairness | undefined): FairnessAttribute['groups'][number]['current'] {
  return {
    count: g?.count ?? 0,
    selection_rate: g?.selection_rate ?? null,
    tpr: g?.true_positive_rate ?? null,
    fpr: g?.false_positive_rate ?? null,
  };
}
