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
 * Simulated time: it moves when told (`advance`, `set`) or when everyone who is going to sleep
 * has: a sleeper is woken by jumping the clock to its deadline, earliest first, one deadline per
 * turn of the event loop, so three sends waiting 1, 2 and 3 s for a rate limit each see their
 * own time and the whole takes 3 simulated seconds (and a few real milliseconds).
 */
export class ManualClock implements WorkerClock {
  private readonly sleepers: { until: number; wake: () => void }[] = [];
  private ticking = false;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper = {
        until: this.t + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.sleepers.indexOf(sleeper);
        if (i >= 0) this.sleepers.splice(i, 1);
        sleeper.wake();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.tick();
    });
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    // after the microtasks of the current turn: whoever is about to sleep has done so
    setImmediate(() => {
      this.ticking = false;
      if (this.sleepers.length === 0) return;
      const until = Math.min(...this.sleepers.map((s) => s.until));
      this.t = Math.max(this.t, until);
      const due = this.sleepers.filter((s) => s.until <= this.t);
      for (const s of due) this.sleepers.splice(this.sleepers.indexOf(s), 1);
      for (const s of due) s.wake();
      if (this.sleepers.length) this.tick();
    });
  }

  advance(ms: number): void {
    this.t += ms;
  }

  set(t: number): void {
    this.t = t;
  }
}
