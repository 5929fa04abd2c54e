import { AppError } from '../errors/catalog.js';
import type { Stage } from './types.js';

/**
 * The stage moves `promote` allows. Production is reached from staging only (through the
 * gates); it is left only when another version takes its place (promotion, rollback, deploy),
 * so a model never loses its production version by accident. An archived version can be staged
 * again; rollback is the one way back to production from the archive.
 */
const MOVES: Record<Stage, readonly Stage[]> = {
  development: ['staging', 'archived'],
  staging: ['production', 'development', 'archived'],
  production: [],
  archived: ['staging'],
};

/** Stages a version may be registered in. */
export const INITIAL_STAGES: readonly Stage[] = ['development', 'staging'];

/** Throws a 409 naming the allowed moves when `from → to` is not one. */
export function assertMove(version: string, from: Stage, to: Stage): void {
  if (from === to) throw new AppError('conflict', `version "${version}" is already in ${to}`, { stage: from });
  if (MOVES[from].includes(to)) return;
  const why =
    from === 'production'
      ? 'a production version leaves production when another version is promoted, deployed or rolled back to'
      : to === 'production'
        ? 'production is reached from staging (through the promotion gates), or by rollback'
        : `from ${from} a version can move to ${MOVES[from].join(', ')}`;
  throw new AppError('conflict', `version "${version}" cannot move from ${from} to ${to}: ${why}`, { from_stage: from, to_stage: to, allowed: MOVES[from] });
}
