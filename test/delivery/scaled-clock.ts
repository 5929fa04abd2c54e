import type { WorkerClock } from '../../src/alerting/delivery/worker-clock.js';

/**
 * Time that runs `speed` times faster than the wall clock from a shared epoch: processes that
 * agree on (epochReal, epochSim, speed) agree on the simulated time. Minutes of retries and
 * lease expiries pass in seconds, with real sockets and real processes.
 */
export class ScaledClock implements WorkerClock {
  constructor(
    readonly epochReal: number,
    readonly epochSim: number,
    readonly speed: number,
  ) {}

  now(): number {
    return Math.round(this.epochSim + (Date.now() - this.epochReal) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms / this.speed));
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** What a child process needs to share this clock. */
  env(): Record<string, string> {
    return { DW_EPOCH_REAL: String(this.epochReal), DW_EPOCH_SIM: String(this.epochSim), DW_SPEED: String(this.speed) };
  }
}
