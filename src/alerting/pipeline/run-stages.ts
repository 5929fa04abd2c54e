import type { AlertCandidate } from '../types.js';
import { cooldownStage } from './cooldown-stage.js';
import { dedupStage } from './dedup-stage.js';
import { silenceStage } from './silence-stage.js';
import type { PipelineState, Stage, StageResult } from './types.js';

/** The decision stages in their order: silence, dedup, cooldown. Recording comes after them. */
export const STAGES: readonly Stage[] = [silenceStage, dedupStage, cooldownStage];

/**
 * Run the stages until one stops the candidate. A candidate that passes them all carries the
 * reasons of every stage (what the decision log says about a recorded alert).
 */
export function runStages(candidate: AlertCandidate, state: PipelineState, now: number, stages: readonly Stage[] = STAGES): StageResult {
  const reasons: string[] = [];
  for (const stage of stages) {
    const result = stage(candidate, state, now);
    if (result.decision !== 'pass') return result;
    reasons.push(result.reason);
  }
  return { decision: 'pass', reason: reasons.join('; ') };
}
