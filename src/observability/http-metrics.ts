import type { FastRegistry, HistogramSeries, ValueSeries } from './fast-metrics.js';

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

export function httpMetrics(fast: FastRegistry): HttpMetrics {
  const requests = fast.counter('driftwatch_http_requests_total', 'HTTP requests answered, by route pattern, method and status class (2xx, 4xx, 5xx…).', ['route', 'method', 'status_class']);
  const duration = fast.histogram('driftwatch_http_request_duration_seconds', 'Time from receiving a request to sending its answer, by route pattern and method.', ['route', 'method'], HTTP_DURATION_BUCKETS);
  const errors = fast.counter('driftwatch_http_errors_total', 'HTTP requests answered with a 4xx or 5xx status, by route pattern, method and status.', ['route', 'method', 'status']);
  // (route, method, status) → its series: bounded by the routes, 8 methods and the statuses sent
  const known = new Map<string, { requests: ValueSeries; duration: HistogramSeries; errors: ValueSeries | null }>();
  return {
    observe(route, method, status, seconds) {
      const r = route ?? UNMATCHED_ROUTE;
      const m = METHODS.has(method) ? method : 'other';
      const key = `${r} ${m} ${status}`;
      let s = known.get(key);
      if (!s) {
        s = {
          requests: requests.child(r, m, `${Math.floor(status / 100)}xx`),
          duration: duration.child(r, m),
          errors: status >= 400 ? errors.child(r, m, String(status)) : null,
        };
        known.set(key, s);
      }
      s.requests.value++;
      duration.observe(s.duration, seconds);
      if (s.errors) s.errors.value++;
    },
  };
}
