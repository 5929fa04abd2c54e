import { Cron } from 'croner';
import { type Config, ConfigError } from '../config/config.js';
import type { Store } from '../store/store.js';
import { RETENTION_JOB, type RetentionOptions, runRetention } from './retention.js';
import { COMPACTION_JOB, runCompaction } from './compaction.js';
import { LOCAL_GATE, type TickGate, type TickLease } from './tick-gate.js';

/** A job the scheduler runs on a cron expression (UTC). */
export interface ScheduledJob {
  name: string;
  cron: string;
  /** the config key the expression came from, named when it is invalid */
  configKey?: string;
  /**
   * One run; `signal` aborts at shutdown. `tick` is set when a cron tick (granted by the gate)
   * started the run, absent when it was triggered by hand. A rejection is logged, never rethrown.
   */
  run(signal: AbortSignal, tick?: TickInfo): Promise<unknown>;
}

/** The cron tick a run belongs to. */
export interface TickInfo {
  /** the cron slot (epoch ms): the same on every instance */
  at: number;
  /** this instance took the tick over from one whose lease ran out */
  takeover: boolean;
  /** aborted if the lease is lost to another instance mid-run */
  lost: AbortSignal;
}

/** The pino-like logger the scheduler reports to. */
export interface SchedulerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const silent: SchedulerLog = { info() {}, warn() {}, error() {} };

/** Null when `expr` is a valid cron expression, else the reason. */
export function cronProblem(expr: string): string | null {
  try {
    new Cron(expr, { timezone: 'UTC' }).stop();
    return null;
  } catch (e) {
    return `is not a valid cron expression: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Outcome of one attempt to run a job. */
export type TriggerOutcome = 'succeeded' | 'failed' | 'skipped';

interface Entry {
  job: ScheduledJob;
  cron?: Cron;
  running?: Promise<TriggerOutcome>;
}

/**
 * Runs jobs on cron expressions (UTC). A job never overlaps itself (a tick that comes while the
 * previous run is still going is skipped and logged), and a failing run is logged and never
 * takes the process down. Each cron tick first asks the gate whether this process runs it
 * (always, on one instance). `stop` aborts running jobs and waits for them.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();
  /** runs of jobs removed while running: `stop` still waits for them */
  private readonly draining = new Set<Promise<TriggerOutcome>>();
  /** cron ticks under way (claiming, running, marking done): `stop` waits for them */
  private readonly ticking = new Set<Promise<TriggerOutcome>>();
  private readonly gate: TickGate;
  private started = false;

  constructor(
    private readonly log: SchedulerLog = silent,
    options: { gate?: TickGate } = {},
  ) {
    this.gate = options.gate ?? LOCAL_GATE;
  }

  /** Add a job; throws ConfigError naming the key when its cron expression is invalid. */
  add(job: ScheduledJob): this {
    const problem = cronProblem(job.cron);
    if (problem) throw new ConfigError([{ key: job.configKey ?? `scheduler.${job.name}`, problem }]);
    if (this.entries.has(job.name)) throw new Error(`job "${job.name}" is already scheduled`);
    this.entries.set(job.name, { job });
    if (this.started) this.schedule(this.entries.get(job.name)!);
    return this;
  }

  /** Unschedule a job (a run in progress finishes; `stop` waits for it). False when unknown. */
  remove(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    entry.cron?.stop();
    this.entries.delete(name);
    if (entry.running) {
      const running = entry.running;
      this.draining.add(running);
      void running.finally(() => this.draining.delete(running));
    }
    return true;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Names of the scheduled jobs. */
  jobs(): string[] {
    return [...this.entries.keys()];
  }

  start(): this {
    if (this.started) return this;
    this.started = true;
    for (const entry of this.entries.values()) this.schedule(entry);
    return this;
  }

  private schedule(entry: Entry): void {
    entry.cron = new Cron(entry.job.cron, { timezone: 'UTC', unref: true, catch: true }, (self: Cron) => {
      // the slot, not the moment the timer fired: every instance must name the tick alike
      const fired = self.currentRun()?.getTime() ?? Date.now();
      const slot = self.previousRuns(1, new Date(fired + 1))[0]?.getTime() ?? fired;
      const ticking = this.tick(entry.job.name, slot);
      this.ticking.add(ticking);
      void ticking.finally(() => this.ticking.delete(ticking));
    });
  }

  /**
   * A cron tick: run the job when the gate grants this tick to this process, then tell the
   * gate it is done. A job still running here from an earlier tick does not claim (another
   * instance may take the tick). Never rejects.
   */
  async tick(name: string, tickAt: number): Promise<TriggerOutcome> {
    const entry = this.entries.get(name);
    if (!entry || this.abort.signal.aborted) return 'skipped';
    if (entry.running) {
      this.log.warn({ job: name, tick_at: new Date(tickAt).toISOString() }, 'previous run still going; this tick is left to other instances');
      return 'skipped';
    }
    let lease: TickLease | null;
    try {
      lease = await this.gate.claim(name, tickAt);
    } catch (e) {
      this.log.error({ job: name, err: e }, 'could not claim the tick; skipped');
      return 'skipped';
    }
    if (!lease) return 'skipped';
    if (lease.takeover) this.log.warn({ job: name, tick_at: new Date(tickAt).toISOString() }, 'taking over a tick whose holder’s lease ran out');
    const outcome = this.entries.has(name) && !this.abort.signal.aborted ? await this.trigger(name, { at: tickAt, takeover: lease.takeover, lost: lease.lost }) : 'skipped';
    try {
      await lease.done(outcome);
    } catch (e) {
      // the lease runs out and another instance repeats the tick: jobs tolerate that (see analysis-jobs.ts)
      this.log.error({ job: name, err: e }, 'could not mark the tick done');
    }
    return outcome;
  }

  /** Run a job now unless it is already running (then 'skipped'). Never rejects. */
  trigger(name: string, tick?: TickInfo): Promise<TriggerOutcome> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`no job "${name}"`));
    if (this.abort.signal.aborted) return Promise.resolve('skipped');
    if (entry.running) {
      this.log.warn({ job: name }, 'previous run still going; this tick is skipped');
      return Promise.resolve('skipped');
    }
    const started = Date.now();
    entry.running = (async (): Promise<TriggerOutcome> => {
      try {
        const result = await entry.job.run(this.abort.signal, tick);
        this.log.info({ job: name, ms: Date.now() - started, result }, 'job run finished');
        const failed = typeof result === 'object' && result !== null && (result as { status?: unknown }).status === 'failed';
        return failed ? 'failed' : 'succeeded';
      } catch (e) {
        this.log.error({ job: name, err: e }, 'job run failed');
        return 'failed';
      } finally {
        entry.running = undefined;
      }
    })();
    return entry.running;
  }

  /** When a job runs next (null when not scheduled). */
  nextRun(name: string): Date | null {
    return this.entries.get(name)?.cron?.nextRun() ?? null;
  }

  isRunning(name: string): boolean {
    return this.entries.get(name)?.running !== undefined;
  }

  /** Stop ticking, abort running jobs and wait until they have stopped. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.gate.close?.();
    for (const entry of this.entries.values()) entry.cron?.stop();
    await Promise.all([...[...this.entries.values()].map((e) => e.running), ...this.draining, ...this.ticking]);
  }
}

/** Throws ConfigError naming the key when a cron expression of `config.scheduler` is invalid. */
export function assertSchedulerConfig(config: Config): void {
  const problems = schedulerConfigProblems(config);
  if (problems.length) throw new ConfigError(problems);
}

/** The cron expressions of `config.scheduler` that are invalid, by key. */
export function schedulerConfigProblems(config: Config): { key: string; problem: string }[] {
  const out: { key: string; problem: string }[] = [];
  for (const key of ['retention_cron', 'compaction_cron'] as const) {
    const problem = cronProblem(config.scheduler[key]);
    if (problem) out.push({ key: `scheduler.${key}`, problem });
  }
  return out;
}

/**
 * The scheduler `serve` runs: retention on `scheduler.retention_cron`, compaction of small
 * prediction blocks on `scheduler.compaction_cron`; ticks through `gate` (one instance: every tick).
 */
export function createScheduler(config: Config, store: Store, log?: SchedulerLog, retention: Omit<RetentionOptions, 'signal'> = {}, gate?: TickGate): Scheduler {
  return new Scheduler(log, { gate })
    .add({
      name: RETENTION_JOB,
      cron: config.scheduler.retention_cron,
      configKey: 'scheduler.retention_cron',
      run: (signal) => runRetention(store, { ...retention, signal }),
    })
    .add({
      name: COMPACTION_JOB,
      cron: config.scheduler.compaction_cron,
      configKey: 'scheduler.compaction_cron',
      run: (signal) => runCompaction(store, { signal }),
    });
}
