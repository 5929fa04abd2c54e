import { newId } from './ids.js';
import { toIso } from '../domain/time.js';
import { AppError, validationError } from '../errors/catalog.js';
import { findUnstorableText } from '../ingest/text-checks.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import type { Page, PageRequest, Store } from '../store/store.js';
import { matcherProblems } from './silence-matchers.js';
import type { Silence, SilenceMatcher } from './types.js';

export interface SilenceInput {
  matchers: SilenceMatcher[];
  /** default: now */
  starts_at?: number;
  ends_at: number;
  created_by: string;
  comment?: string;
}

/** pending (not started), active, or expired. */
export type SilenceState = 'pending' | 'active' | 'expired';
export const silenceState = (s: Silence, now: number): SilenceState => (now >= s.ends_at ? 'expired' : now < s.starts_at ? 'pending' : 'active');

const SILENCE_ID = /^SIL-[0-9A-Z]{26}$/;

/** Silences (maintenance windows by matchers): create, list, expire; every change audited. */
export class SilenceService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: () => number = Date.now,
  ) {}

  async create(input: SilenceInput, by: Actor): Promise<Silence> {
    const now = this.clock();
    const startsAt = input.starts_at ?? now;
    const problems = matcherProblems(input.matchers);
    if (!(input.ends_at > startsAt)) problems.push({ field: 'ends_at', problem: 'must be after starts_at' });
    else if (!(input.ends_at > now)) problems.push({ field: 'ends_at', problem: `must be in the future (now is ${toIso(now)})` });
    for (const [field, v] of [['created_by', input.created_by], ['comment', input.comment], ['matchers', input.matchers]] as const) {
      const bad = findUnstorableText(v, field, 4);
      if (bad) problems.push(bad);
    }
    if (problems.length) throw validationError(problems);
    const silence: Silence = {
      silence_id: newId('SIL', now),
      matchers: input.matchers.map((m) => ({ label: m.label, op: m.op, value: m.value })),
      starts_at: startsAt,
      ends_at: input.ends_at,
      created_by: input.created_by,
      comment: input.comment ?? '',
      created_at: now,
    };
    await this.store.transaction(async (tx) => {
      await tx.alerting.insertSilence(silence);
      await this.audit.record(by, { action: 'silence.create', target_type: 'silence', target_id: silence.silence_id, details: { silence } }, tx);
    });
    return silence;
  }

  async get(silenceId: string): Promise<Silence> {
    const s = SILENCE_ID.test(silenceId) ? await this.store.alerting.getSilence(silenceId) : null;
    if (!s) throw new AppError('not_found', `no silence "${silenceId.slice(0, 64)}"`);
    return s;
  }

  list(page: PageRequest & { state?: SilenceState }): Promise<Page<Silence>> {
    return this.store.alerting.listSilences({ ...page, now: this.clock() });
  }

  /** Expire a silence now (DELETE). Expiring an expired silence changes nothing. */
  async expire(silenceId: string, by: Actor): Promise<Silence> {
    const s = await this.get(silenceId);
    const now = this.clock();
    if (silenceState(s, now) === 'expired') return s;
    // a silence that has not started yet then ends before it starts: it never applies
    const expired = { ...s, ends_at: now };
    await this.store.transaction(async (tx) => {
      await tx.alerting.setSilenceEnd(silenceId, expired.ends_at);
      await this.audit.record(by, { action: 'silence.expire', target_type: 'silence', target_id: silenceId, details: { ends_at: toIso(expired.ends_at) } }, tx);
    });
    return expired;
  }
}
