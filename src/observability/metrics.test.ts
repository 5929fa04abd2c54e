import { describe, expect, it } from 'vitest';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { parseExposition, samplesOf, valueOf } from './exposition.js';
import { DISABLED_METRICS, DRIFTWATCH_VERSION, createMetrics } from './metrics.js';

const scrape = async (m: ReturnType<typeof createMetrics>) => parseExposition(await m.render());

describe('createMetrics', () => {
  it('counts HTTP requests by route pattern, method and status class, errors by status, and times them in the source buckets', async () => {
    const m = createMetrics({ enabled: true, storeBackend: 'sqlite' });
    m.http.observe('/api/v1/models/:model_id', 'GET', 200, 0.003);
    m.http.observe('/api/v1/models/:model_id', 'GET', 200, 0.2);
    m.http.observe('/api/v1/models/:model_id', 'GET', 404, 0.02);
    m.http.observe(undefined, 'GET', 404, 0.001);
    m.http.observe('/api/v1/predictions', 'BREW', 500, 7);
    const s = await scrape(m);
    expect(valueOf(s, 'driftwatch_http_requests_total', { route: '/api/v1/models/:model_id', method: 'GET', status_class: '2xx' })).toBe(2);
    expect(valueOf(s, 'driftwatch_http_requests_total', { route: '/api/v1/models/:model_id', method: 'GET', status_class: '4xx' })).toBe(1);
    expect(valueOf(s, 'driftwatch_http_requests_total', { route: 'unmatched', status_class: '4xx' })).toBe(1);
    expect(valueOf(s, 'driftwatch_http_requests_total', { route: '/api/v1/predictions', method: 'other', status_class: '5xx' })).toBe(1);
    expect(valueOf(s, 'driftwatch_http_errors_total', { route: '/api/v1/models/:model_id', status: '404' })).toBe(1);
    expect(valueOf(s, 'driftwatch_http_errors_total', { route: '/api/v1/predictions', status: '500' })).toBe(1);
    expect(samplesOf(s, 'driftwatch_http_errors_total', { status_class: '2xx' })).toEqual([]);
    const buckets = samplesOf(s, 'driftwatch_http_request_duration_seconds_bucket', { route: '/api/v1/models/:model_id' }).map((b) => [b.labels.le, b.value]);
    expect(buckets).toEqual([['0.01', 1], ['0.05', 2], ['0.1', 2], ['0.5', 3], ['1', 3], ['5', 3], ['+Inf', 3]]);
    expect(valueOf(s, 'driftwatch_http_request_duration_seconds_sum', { route: '/api/v1/models/:model_id' })).toBeCloseTo(0.223, 9);
  });

  it('exposes build info and the process metrics', async () => {
    const s = await scrape(createMetrics({ enabled: true, storeBackend: 'postgres' }));
    expect(samplesOf(s, 'driftwatch_build_info')).toEqual([{ name: 'driftwatch_build_info', labels: { version: DRIFTWATCH_VERSION, node_version: process.version, store_backend: 'postgres' }, value: 1 }]);
    expect(DRIFTWATCH_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(valueOf(s, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(samplesOf(s, 'nodejs_heap_size_used_bytes').length).toBe(1);
  });

  it('keeps each app instance apart (one registry per app)', async () => {
    const a = createMetrics({ enabled: true, storeBackend: 'sqlite' });
    const b = createMetrics({ enabled: true, storeBackend: 'sqlite' });
    a.http.observe('/health', 'GET', 200, 0.001);
    expect(valueOf(await scrape(a), 'driftwatch_http_requests_total', { route: '/health' })).toBe(1);
    expect(valueOf(await scrape(b), 'driftwatch_http_requests_total', { route: '/health' })).toBeUndefined();
  });

  it('seeds the monitoring gauges from the store on the first scrape only, retrying after a failure', async () => {
    const errors: unknown[] = [];
    const m = createMetrics({ enabled: true, storeBackend: 'sqlite', onError: (e) => errors.push(e) });
    let calls = 0;
    const record = { record_id: 'r', model_id: 'm1', status: 'completed', timestamp: 1_700_000_000_000, aggregated_score: 0.4, max_severity: 'WARNING', sample_count: 10, duration_ms: 5, body: { findings: [] } } as unknown as MonitoringRecordRow;
    m.seedFrom(async () => {
      calls++;
      if (calls === 1) throw new Error('store down');
      return [record];
    });
    expect(valueOf(await scrape(m), 'driftwatch_model_drift_score', { model: 'm1' })).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(valueOf(await scrape(m), 'driftwatch_model_drift_score', { model: 'm1' })).toBe(0.4);
    expect(valueOf(await scrape(m), 'driftwatch_analysis_last_success_timestamp_seconds', { model: 'm1' })).toBe(1_700_000_000);
    expect(calls).toBe(2);
    // seeding counts nothing
    expect(samplesOf(await scrape(m), 'driftwatch_analyses_total')).toEqual([]);
  });

  it('does nothing when disabled', async () => {
    expect(createMetrics({ enabled: false, storeBackend: 'sqlite' })).toBe(DISABLED_METRICS);
    DISABLED_METRICS.http.observe('/x', 'GET', 200, 1);
    DISABLED_METRICS.alerting.deliveryAttempt('slack', true, 1);
    expect(await DISABLED_METRICS.render()).toBe('');
  });
});
