import { toIso } from '../../domain/time.js';
import type { Stage } from './types.js';

/**
 * Stage 3: a rule that fired for this model and metric less than its cooldown ago stays quiet.
 * The time it last fired is persisted with the rule state, so a restart does not reset it.
 */
export const cooldownStage: Stage = (candidate, state, now) => {
  const last = state.ruleState?.last_fired_at ?? null;
  if (candidate.rule_id === null || state.cooldownMs === null || state.cooldownMs <= 0) return { decision: 'pass', reason: 'no cooldown applies' };
  if (last !== null && now - last < state.cooldownMs) {
    const minutes = Math.ceil((last + state.cooldownMs - now) / 60_000);
    return { decision: 'cooling_down', reason: `rule ${candidate.rule_id} fired for this model and metric at ${toIso(last)}; cooling down for ${minutes} more min` };
  }
  return { decision: 'pass', reason: `rule ${candidate.rule_id} is not cooling down` };
};
