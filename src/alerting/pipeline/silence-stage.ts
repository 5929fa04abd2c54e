import { toIso } from '../../domain/time.js';
import { candidateLabels, silenceMatches } from '../silence-matchers.js';
import type { Stage } from './types.js';

/** Stage 1: a silence active now whose matchers all match the candidate suppresses it. */
export const silenceStage: Stage = (candidate, state, now) => {
  const labels = candidateLabels(candidate);
  for (const s of state.silences) {
    if (s.starts_at <= now && now < s.ends_at && silenceMatches(s.matchers, labels)) {
      const why = s.comment ? ` (${s.comment})` : '';
      return { decision: 'suppressed', silence_id: s.silence_id, reason: `silenced by ${s.silence_id}${why}, created by ${s.created_by}, until ${toIso(s.ends_at)}` };
    }
  }
  return { decision: 'pass', reason: 'no active silence matches' };
};
