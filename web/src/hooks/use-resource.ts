/**
 * Load something from the API, keep it fresh by polling while the tab is visible, and keep the
 * last good answer on screen while reloading (no flicker). A failed poll keeps the data and
 * reports the error.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { pollInterval } from '../session';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** load again now (after an action) */
  reload(): Promise<void>;
  /** replace the data (an action's answer), without a round trip */
  set(data: T): void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], options: { poll?: boolean } = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const inFlight = useRef<AbortController | null>(null);
  // the last answer as text: a poll that brings nothing new does not re-render the page
  const lastText = useRef<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async () => {
    inFlight.current?.abort();
    const ctl = new AbortController();
    inFlight.current = ctl;
    try {
      const value = await loadRef.current(ctl.signal);
      if (ctl.signal.aborted) return;
      const text = JSON.stringify(value) ?? null;
      if (text !== lastText.current) {
        lastText.current = text;
        setData(value);
      }
      setError(undefined);
    } catch (e) {
      if (ctl.signal.aborted || (e as Error).name === 'AbortError') return;
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', (e as Error).message));
    } finally {
      if (inFlight.current === ctl) {
        inFlight.current = null;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    setLoading(true);
    lastText.current = null;
    setData(undefined);
    setError(undefined);
    void run();
    let timer: number | undefined;
    if (options.poll) {
      timer = window.setInterval(() => {
        if (!document.hidden && inFlight.current === null) void run();
      }, pollInterval());
    }
    const onVisible = () => {
      if (!document.hidden && options.poll) void run();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      if (timer !== undefined) clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      inFlight.current?.abort();
      inFlight.current = null;
    };
  }, deps);

  const set = useCallback((value: T) => {
    lastText.current = null;
    setData(value);
  }, []);
  return { data, error, loading, reload: run, set };
}
