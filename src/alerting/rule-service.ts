import { monotonicUlid } from './ids.js';
import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import { findUnstorableText } from '../ingest/text-checks.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { CHANNEL_NAME, parseDuration } from './alerting-config.js';
import { selectorProblem } from './selector.js';
import { type AlertRule, COMPARISONS, type Comparison, SEVERITIES, type Severity } from './types.js';

/** A rule as clients send it (create: everything but `name`, `metric` and `severity` is optional; update: any subset). */
export interface RuleInput {
  rule_id?: string;
  name?: string;
  description?: string;
  metric?: string;
  comparison?: Comparison | null;
  threshold?: number | null;
  severity_at_least?: Severity | null;
  severity?: Severity;
  models?: string[];
  /** consecutive breaching analyses before firing */
  for?: number;
  /** ms, or a duration such as `30m` */
  cooldown?: number | string;
  channels?: string[];
  enabled?: boolean;
}

const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MODEL_ID = /^([A-Za-z0-9][A-Za-z0-9._:-]{0,127}|\*)$/;

/** Check a rule as a whole; every problem is listed. */
export function ruleProblems(r: AlertRule): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!RULE_ID.test(r.rule_id)) problems.push({ field: 'rule_id', problem: 'must be 1 to 128 letters, digits, dots, colons, dashes or underscores' });
  if (r.name.trim().length === 0) problems.push({ field: 'name', problem: 'must not be empty' });
  const sel = selectorProblem(r.metric);
  if (sel) problems.push({ field: 'metric', problem: sel });
  if ((r.comparison === null) !== (r.threshold === null)) problems.push({ field: r.comparison === null ? 'comparison' : 'threshold', problem: 'comparison and threshold go together' });
  if (r.comparison !== null && !COMPARISONS.includes(r.comparison)) problems.push({ field: 'comparison', problem: `must be one of ${COMPARISONS.join(' ')}` });
  if (r.threshold !== null && !Number.isFinite(r.threshold)) problems.push({ field: 'threshold', problem: 'must be a finite number' });
  if (r.severity_at_least !== null && !SEVERITIES.includes(r.severity_at_least)) problems.push({ field: 'severity_at_least', problem: 'must be INFO, WARNING or CRITICAL' });
  if (!SEVERITIES.includes(r.severity)) problems.push({ field: 'severity', problem: 'must be INFO, WARNING or CRITICAL' });
  if (r.models.length === 0 || !r.models.every((m) => MODEL_ID.test(m))) problems.push({ field: 'models', problem: 'must be ["*"] or a non-empty list of model ids' });
  if (!Number.isInteger(r.for_count) || r.for_count < 1 || r.for_count > 1000) problems.push({ field: 'for', problem: 'must be an integer from 1 to 1000' });
  if (!Number.isInteger(r.cooldown_ms) || r.cooldown_ms < 0 || r.cooldown_ms > 365 * 86_400_000) problems.push({ field: 'cooldown', problem: 'must be from 0 to 365 days' });
  if (!r.channels.every((c) => CHANNEL_NAME.test(c))) problems.push({ field: 'channels', problem: 'must be channel names' });
  for (const [field, value] of [['name', r.name], ['description', r.description]] as const) {
    const bad = findUnstorableText(value, field, 4);
    if (bad) problems.push(bad);
  }
  return problems;
}

/** Apply a client's fields over a rule (a fresh one when creating). */
export function applyRuleInput(base: AlertRule, input: RuleInput, now: number): AlertRule {
  const cooldown = input.cooldown === undefined ? base.cooldown_ms : parseDuration(input.cooldown);
  const has = <K extends keyof RuleInput>(k: K) => input[k] !== undefined;
  return {
    ...base,
    name: input.name?.trim() ?? base.name,
    description: input.description ?? base.description,
    metric: input.metric ?? base.metric,
    comparison: has('comparison') ? (input.comparison ?? null) : base.comparison,
    threshold: has('threshold') ? (input.threshold ?? null) : base.threshold,
    severity_at_least: has('severity_at_least') ? (input.severity_at_least ?? null) : base.severity_at_least,
    severity: input.severity ?? base.severity,
    models: input.models ? [...new Set(input.models)] : base.models,
    for_count: input.for ?? base.for_count,
    cooldown_ms: Number.isNaN(cooldown) ? -1 : cooldown,
    channels: input.channels ? [...new Set(input.channels)] : base.channels,
    enabled: input.enabled ?? base.enabled,
    updated_at: now,
  };
}

const blank = (ruleId: string, now: number): AlertRule => ({
  rule_id: ruleId,
  name: '',
  description: '',
  metric: '',
  comparison: null,
  threshold: null,
  severity_at_least: null,
  severity: 'WARNING',
  models: ['*'],
  for_count: 1,
  cooldown_ms: 0,
  channels: [],
  enabled: true,
  builtin: false,
  created_at: now,
  updated_at: now,
});

/** Rule CRUD; every change is audited in the transaction that makes it. */
export class RuleService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: () => number = Date.now,
  ) {}

  list(): Promise<AlertRule[]> {
    return this.store.alerting.listRules();
  }

  async get(ruleId: string): Promise<AlertRule> {
    const rule = RULE_ID.test(ruleId) ? await this.store.alerting.getRule(ruleId) : null;
    if (!rule) throw new AppError('not_found', `no rule "${ruleId.slice(0, 128)}"`);
    return rule;
  }

  async create(input: RuleInput, by: Actor): Promise<AlertRule> {
    const now = this.clock();
    if (input.rule_id?.startsWith('builtin.')) throw validationError([{ field: 'rule_id', problem: 'the builtin. prefix is reserved for the rules shipped with the product' }]);
    const missing = (['name', 'metric', 'severity'] as const).filter((k) => input[k] === undefined).map((k) => ({ field: k, problem: 'is required' }));
    if (missing.length) throw validationError(missing);
    const rule = applyRuleInput(blank(input.rule_id ?? `rule_${monotonicUlid(now)}`, now), input, now);
    const problems = ruleProblems(rule);
    if (problems.length) throw validationError(problems);
    await this.store.transaction(async (tx) => {
      await tx.alerting.insertRule(rule);
      await this.audit.record(by, { action: 'rule.create', target_type: 'rule', target_id: rule.rule_id, details: { rule } }, tx);
    });
    return rule;
  }

  async update(ruleId: string, input: RuleInput, by: Actor): Promise<AlertRule> {
    if (input.rule_id !== undefined && input.rule_id !== ruleId) throw validationError([{ field: 'rule_id', problem: 'cannot be changed' }]);
    const before = await this.get(ruleId);
    const after = applyRuleInput(before, input, this.clock());
    const problems = ruleProblems(after);
    if (problems.length) throw validationError(problems);
    await this.store.transaction(async (tx) => {
      await tx.alerting.updateRule(after);
      await this.audit.record(by, { action: 'rule.update', target_type: 'rule', target_id: ruleId, details: { before, after } }, tx);
    });
    return after;
  }

  /** Builtin rules can be disabled, not deleted (409). */
  async delete(ruleId: string, by: Actor): Promise<AlertRule> {
    const rule = await this.get(ruleId);
    if (rule.builtin) throw new AppError('conflict', `"${ruleId}" is a builtin rule: disable it (enabled: false) instead of deleting it`);
    await this.store.transaction(async (tx) => {
      await tx.alerting.deleteRule(ruleId);
      await this.audit.record(by, { action: 'rule.delete', target_type: 'rule', target_id: ruleId, details: { rule } }, tx);
    });
    return rule;
  }
}
