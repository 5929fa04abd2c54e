/**
 * A model's findings/metrics over 7/30/90 days from GET /api/v1/monitoring/trend. A trend reads
 * record bodies, so it is not polled: it is read again when `newest` (the newest record's id)
 * changes, i.e. when a new analysis arrives.
 */
import type { Trend } from '../api/types';
import type { Range } from '../components/ui';
import { useSession } from '../session';
import { type Resource, useResource } from './use-resource';

export function useTrend(modelId: string, range: Range, metrics: string[], paths: string[] = [], newest?: string): Resource<Trend> {
  const { api } = useSession();
  return useResource(
    (signal) => api.get<Trend>('/api/v1/monitoring/trend', { model_id: modelId, range, metric: metrics, path: paths }, signal),
    [modelId, range, metrics.join('\n'), paths.join('\n'), newest],
  );
}

/** The points of one series of a trend (empty when absent). */
export function seriesOf(trend: Trend | undefined, key: string) {
  return trend?.series.find((s) => s.key === key);
}
