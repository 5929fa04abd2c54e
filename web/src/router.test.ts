import { describe, expect, it } from 'vitest';
import { match, paths } from './router';

describe('router', () => {
  it('matches patterns and decodes segments once', () => {
    expect(match('/models/:id', '/models/loan-approval')).toEqual({ id: 'loan-approval' });
    expect(match('/models/:id/fairness', '/models/a%2Fb/fairness')).toEqual({ id: 'a/b' });
    expect(match('/models/:id', '/models/loan-approval/fairness')).toBeNull();
    expect(match('/incidents/:id', '/alerts/x')).toBeNull();
    // a malformed escape is no match, not an exception
    expect(match('/incidents/:id', '/incidents/%E0%A4%A')).toBeNull();
  });

  it('builds paths with encoded ids that match back', () => {
    const id = 'model:v1.2 <x>';
    expect(paths.model(id)).toBe('/models/model%3Av1.2%20%3Cx%3E');
    expect(match('/models/:id', paths.model(id))).toEqual({ id });
    expect(paths.model('m', 'fairness', 'MON-2026-X')).toBe('/models/m/fairness?record=MON-2026-X');
    expect(paths.incidents('a&b')).toBe('/incidents?model_id=a%26b');
  });
});
