import { Counter, Histogram, type Registry } from 'prom-client';
import { oneOf } from './bounded-label.js';

/** Request duration buckets of the source designs (seconds). */
export const HTTP_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5];

/** The route label of a request that matched no route (any URL: never used as a label). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** HTTP metrics: one call per answered request. */
export interface HttpMetrics {
  /**
   * @param route the route pattern (`/api/v1/models/:model_id`), never the raw URL;
   *   undefined when no route matched
   */
  observe(route: string | undefined, method: string, status: number, seconds: number): void;
}

export function httpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'driftwatch_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status class (2xx, 4xx, 5xx…).',
    labelNames: ['route', 'method', 'status_class'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'driftwatch_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'driftwatch_http_errors_total',
    help: 'HTTP requests answered with a 4xx or 5xx status, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  return {
    observe(route, method, status, seconds) {
      const r = route ?? UNMATCHED_ROUTE;
      const m = oneOf(METHODS, method);
      requests.inc({ route: r, method: m, status_class: `${Math.floor(status / 100)}xx` });
      duration.observe({ route: r, method: m }, seconds);
      if (status >= 400) errors.inc({ route: r, method: m, status: String(status) });
    },
  };
}
