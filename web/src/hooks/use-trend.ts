/** A model's findings/metrics over 7/30/90 days from GET /api/v1/monitoring/trend, refreshed with new records. */
import type { Trend } from '../api/types';
import type { Range } from '../components/ui';
import { useSession } from '../session';
import { type Resource, useResource } from './use-resource';

export function useTrend(modelId: string, range: Range, metrics: string[], paths: string[] = []): Resource<Trend> {
  const { api } = useSession();
  return useResource((signal) => api.get<Trend>('/api/v1/monitoring/trend', { model_id: modelId, range, metric: metrics, path: paths }, signal), [modelId, range, metrics.join('\n'), paths.join('\n')], {
    poll: true,
  });
}

/** The points of one series of a trend (empty when absent). */
export function seriesOf(trend: Trend | undefined, key: string) {
  return trend?.series.find((s) => s.key === key);
}
