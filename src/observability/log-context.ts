import { AsyncLocalStorage } from 'node:async_hooks';

/** The pino-like logger work reports to. */
export interface ContextLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): ContextLogger;
}

/** What work started by a request (or a job) carries: its request id and its logger. */
export interface LogContext {
  request_id?: string;
  log: ContextLogger;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Run `fn` (and everything it starts: awaited work, timers, analyses, record listeners) in a
 * log context, so lines logged anywhere below carry its request id.
 */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The logger of the current request or job; `fallback` outside of one. */
export function currentLog(fallback: ContextLogger): ContextLogger {
  return storage.getStore()?.log ?? fallback;
}

/**
 * The request id of the current request, if any. Work that outlives it (an outbox delivery)
 * stores this id and logs it later under `withLogContext({ request_id, log })`.
 */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.request_id;
}
