import { Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

/**
 * prom-client's process and runtime metrics (`process_*`, `nodejs_*`: CPU, memory, heap, event
 * loop lag, GC, handles). They describe the process, not an app, so one registry serves every
 * app instance of the process: collecting them per app would start one event-loop monitor and
 * one GC observer per app (tests build hundreds) and never stop them.
 */
export function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
