import { describe, expect, it } from 'vitest';
import { compare, degradation, positiveIndex } from './performance-section.js';

describe('degradation', () => {
  it('grades the relative worsening: ≥ 5 % WARNING, ≥ 10 % CRITICAL', () => {
    expect(degradation(0.8, 0.79, 'higher_is_better')).toBe('INFO');
    expect(degradation(0.8, 0.76, 'higher_is_better')).toBe('WARNING');
    expect(degradation(0.8, 0.7, 'higher_is_better')).toBe('CRITICAL');
    expect(degradation(0.8, 0.95, 'higher_is_better')).toBe('INFO');
    expect(degradation(0.2, 0.215, 'lower_is_better')).toBe('WARNING');
    expect(degradation(0.2, 0.25, 'lower_is_better')).toBe('CRITICAL');
    expect(degradation(null, 0.5, 'lower_is_better')).toBeUndefined();
    expect(degradation(0, 0.5, 'lower_is_better')).toBeUndefined();
  });

  it('compares two values with the change and no NaN', () => {
    expect(compare('f1', 0.8, 0.6, 'higher_is_better')).toEqual({ metric: 'f1', reference: 0.8, current: 0.6, change: 0.6 - 0.8, severity: 'CRITICAL' });
    expect(compare('auc', Number.NaN, 0.6, 'higher_is_better')).toEqual({ metric: 'auc', reference: null, current: 0.6, change: null });
  });
});

describe('positiveIndex', () => {
  it('takes the schema\'s label, else 1 or true, else the second label', () => {
    expect(positiveIndex(['no', 'yes'], 'no')).toBe(0);
    expect(positiveIndex(['0', '1'], undefined)).toBe(1);
    expect(positiveIndex(['false', 'true'], undefined)).toBe(1);
    expect(positiveIndex(['bad', 'good'], undefined)).toBe(1);
  });
});
