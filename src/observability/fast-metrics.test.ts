import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { FastRegistry } from './fast-metrics.js';

describe('FastRegistry', () => {
  it('renders the same samples as prom-client for the same observations', async () => {
    const fast = new FastRegistry();
    const registry = new Registry();
    const fc = fast.counter('x_total', 'a counter', ['route', 'status']);
    const fh = fast.histogram('y_seconds', 'a histogram', ['route'], [0.01, 0.1, 1]);
    const pc = new Counter({ name: 'x_total', help: 'a counter', labelNames: ['route', 'status'], registers: [registry] });
    const ph = new Histogram({ name: 'y_seconds', help: 'a histogram', labelNames: ['route'], buckets: [0.01, 0.1, 1], registers: [registry] });
    const values = [0.001, 0.01, 0.0100001, 0.1, 0.5, 1, 3, 0.05];
    for (const [i, v] of values.entries()) {
      const route = i % 2 ? '/a/:id' : '/b';
      fc.child(route, String(200 + (i % 3))).value++;
      fh.observe(fh.child(route), v);
      pc.inc({ route, status: String(200 + (i % 3)) });
      ph.observe({ route }, v);
    }
    // name, sorted labels → value (label order within a line does not matter)
    const canonical = (t: string) => Object.fromEntries(parseExposition(t).map((x) => [`${x.name}{${Object.entries(x.labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`, Number(x.value.toFixed(9))]));
    const mine = canonical(fast.render());
    expect(Object.keys(mine)).toHaveLength(2 * 3 + 2 * (4 + 2));
    expect(mine).toEqual(canonical(await registry.metrics()));
    expect(fast.render()).toContain('# TYPE x_total counter\n');
    expect(fast.render()).toContain('# TYPE y_seconds histogram\n');
  });

  it('escapes label values, renders label-less series and special values, and forgets removed series', () => {
    const fast = new FastRegistry();
    const g = fast.gauge('g', 'a gauge', ['name']);
    g.child('quote " back\\slash\nnewline').value = 1;
    g.child('nan').value = NaN;
    g.child('inf').value = Infinity;
    g.child('gone').value = 5;
    g.remove('gone');
    const plain = fast.counter('c_total', 'plain').child();
    plain.value += 3;
    const text = fast.render();
    expect(text).toContain('g{name="quote \\" back\\\\slash\\nnewline"} 1\n');
    expect(text).toContain('g{name="nan"} NaN\n');
    expect(text).toContain('g{name="inf"} +Inf\n');
    expect(text).toContain('c_total 3\n');
    expect(text).not.toContain('gone');
    expect(parseExposition(text).find((s) => s.name === 'g' && s.labels.name.startsWith('quote'))!.labels.name).toBe('quote " back\\slash\nnewline');
    expect(() => g.child()).toThrow(/1 label values expected/);
  });
});
