/**
 * The signed-in API key lives in sessionStorage (gone when the tab closes) and in memory; it is
 * never written to a URL, a cookie or localStorage.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client';
import type { SessionInfo } from './api/types';

const KEY = 'driftwatch.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, key);
  } catch {
    /* storage disabled: the key stays in memory for this page */
  }
}

/** How often live views poll (ms). sessionStorage `driftwatch.pollMs` overrides it (tests, slow links). */
export function pollInterval(): number {
  try {
    const v = Number(sessionStorage.getItem('driftwatch.pollMs'));
    if (Number.isFinite(v) && v >= 250) return v;
  } catch {
    /* default */
  }
  return 5000;
}

/** What every page can reach: the API with the key, who the key is, and whether it may act. */
export interface Session {
  api: Api;
  info: SessionInfo;
  /** the server has confirmed the key (until then `info` is empty and nobody may act) */
  verified: boolean;
  /** admin scope: acknowledge, resolve, silence, activate, enable/disable */
  canAct: boolean;
  /** read scope (or admin): may look at monitoring data */
  canRead: boolean;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in app');
  return s;
}
