import type { Alert, AlertCandidate, RuleState, Silence } from '../types.js';

/** What a stage decided: let the candidate through, or stop it, always with a reason. */
export type StageResult = { decision: 'pass'; reason: string } | { decision: 'suppressed' | 'deduplicated' | 'cooling_down'; reason: string; silence_id?: string };

/** Everything the stages look at, loaded from the store before they run (inside the same transaction). */
export interface PipelineState {
  /** silences that have not ended (the stage checks their start) */
  silences: readonly Silence[];
  /** the newest unresolved alert with the candidate's model, metric and severity, if any */
  recentAlert: Pick<Alert, 'alert_id' | 'created_at'> | null;
  /** how long an alert keeps others with its model, metric and severity away (ms) */
  dedupWindowMs: number;
  /** the rule's persisted state for the candidate's model and metric (rule candidates) */
  ruleState: Pick<RuleState, 'last_fired_at'> | null;
  /** the rule's cooldown (ms); null for candidates that come from no rule */
  cooldownMs: number | null;
}

/** A pure decision: no I/O, the clock passed in. */
export type Stage = (candidate: AlertCandidate, state: PipelineState, now: number) => StageResult;
