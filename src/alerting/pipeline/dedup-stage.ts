import { toIso } from '../../domain/time.js';
import type { Stage } from './types.js';

/**
 * Stage 2: an unresolved alert with the same model, metric and severity recorded within the
 * dedup window (6 h by default) makes this one a duplicate. Resolved alerts do not count: a
 * condition that cleared and came back is news.
 */
export const dedupStage: Stage = (candidate, state, now) => {
  const hours = +(state.dedupWindowMs / 3_600_000).toFixed(2);
  const recent = state.recentAlert;
  if (recent && now - recent.created_at < state.dedupWindowMs) {
    return {
      decision: 'deduplicated',
      reason: `alert ${recent.alert_id} for ${candidate.model_id ?? 'no model'}, ${candidate.metric}, ${candidate.severity} was recorded at ${toIso(recent.created_at)} (within ${hours} h)`,
    };
  }
  return { decision: 'pass', reason: `no unresolved ${candidate.severity} alert for this model and metric in the last ${hours} h` };
};
