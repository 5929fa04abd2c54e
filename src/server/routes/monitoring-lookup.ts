import type { Readable } from 'node:stream';
import { AppError, validationError } from '../../errors/catalog.js';
import { clip, findUnstorableText } from '../../ingest/text-checks.js';
import type { BaselineRow, MonitoringRecordRow } from '../../store/monitoring-store.js';
import type { Store } from '../../store/store.js';

/** Snapshot and record ids as issued (SNAP-…, MON-…) and anything else a client could have stored. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A baseline by id from the URL (404 without a store query when the id cannot exist). */
export async function findBaseline(store: Store, snapshotId: string, withData = false): Promise<BaselineRow> {
  const b = ID.test(snapshotId) ? await store.getBaseline(snapshotId, withData) : null;
  if (!b) throw new AppError('not_found', `no baseline "${clip(snapshotId)}"`, { snapshot_id: clip(snapshotId) });
  return b;
}

/** A monitoring record by id from the URL. */
export async function findRecord(store: Store, recordId: string): Promise<MonitoringRecordRow> {
  const r = ID.test(recordId) ? await store.getRecord(recordId) : null;
  if (!r) throw new AppError('not_found', `no monitoring record "${clip(recordId)}"`, { record_id: clip(recordId) });
  return r;
}

export const isStream = (v: unknown): v is Readable => typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';

/** Client text that ends up in the store (versions, metadata): storable, not too deep. 400 naming the field. */
export function assertStorable(value: unknown, field: string): void {
  const found = findUnstorableText(value, field, 16);
  if (found) throw validationError([found]);
}
