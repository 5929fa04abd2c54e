/** The worker's sense of time: injected, so tests can run minutes of retries in milliseconds. */
export interface WorkerClock {
  now(): number;
  /** Resolve after `ms` of this clock's time, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall time and real timers. */
export const systemClock: WorkerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * Simulated time: it moves only when told (`advance`, `set`) or when someone sleeps, and a sleep
 * jumps the clock to its end at once. Sleeps started at the same moment overlap (three sends
 * waiting 1, 2 and 3 s for a rate limit end at +3 s, not +6 s).
 */
export class ManualClock implements WorkerClock {
  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    const until = this.t + Math.max(0, ms);
    await Promise.resolve();
    if (!signal?.aborted) this.t = Math.max(this.t, until);
  }

  advance(ms: number): void {
    this.t += ms;
  }

  set(t: number): void {
    this.t = t;
  }
}
