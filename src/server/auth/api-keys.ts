import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ApiScope, Store } from '../../store/store.js';

export const SCOPES: readonly ApiScope[] = ['ingest', 'read', 'admin'];
const KEY_PATTERN = /^dw_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A newly created key: the secret is shown once and only its hash is stored. */
export interface CreatedKey {
  record: ApiKeyRecord;
  /** the full bearer token, `dw_<id>_<secret>` */
  token: string;
}

export async function createApiKey(store: Store, name: string, scopes: ApiScope[], now: number): Promise<CreatedKey> {
  const id = randomBytes(9).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = { id, name, scopes, hash: sha256(secret), created_at: now, revoked_at: null, last_used_at: null };
  await store.createApiKey(record);
  return { record, token: `dw_${id}_${secret}` };
}

/** Does a key with these scopes allow a route that needs `need`? admin allows everything. */
export const allows = (scopes: readonly ApiScope[], need: ApiScope): boolean => scopes.includes('admin') || scopes.includes(need);

/**
 * Verifies bearer tokens against the store, caching successful checks briefly so the hot
 * ingest path does not read the key on every request. A revoked key stops working within
 * `ttlMs` on other instances and at once on this one.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, { key: ApiKeyRecord; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly ttlMs = 5000,
  ) {}

  /** The key of a token verified within the last `ttlMs`, without asking the store (undefined: verify it). */
  cached(token: string): ApiKeyRecord | undefined {
    const hit = this.cache.get(token);
    return hit !== undefined && hit.until > this.clock() ? hit.key : undefined;
  }

  async verify(token: string): Promise<ApiKeyRecord | null> {
    const m = KEY_PATTERN.exec(token);
    if (!m) return null;
    const now = this.clock();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.key;
    const key = await this.store.getApiKey(m[1]);
    if (!key || key.revoked_at !== null) {
      this.cache.delete(token);
      return null;
    }
    const given = Buffer.from(sha256(m[2]), 'hex');
    const stored = Buffer.from(key.hash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { key, until: now + this.ttlMs });
    // last_used_at is informational: write it at most once a minute per key
    if ((this.touched.get(key.id) ?? 0) < now - 60_000) {
      this.touched.set(key.id, now);
      void this.store.touchApiKey(key.id, now).catch(() => undefined);
    }
    return key;
  }

  forget(id: string): void {
    for (const [token, v] of this.cache) if (v.key.id === id) this.cache.delete(token);
  }
}
