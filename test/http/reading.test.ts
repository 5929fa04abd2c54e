import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, T0, type TestApp, bearer, creditPrediction, expectErrorShape, ndjson, registerModel, startTestApp } from './http-fixtures.js';

const DAY = 86_400_000;
const N = 1234;

interface Listed {
  prediction_id: string;
  timestamp: string;
}

describe.each(STORE_FACTORIES)('HTTP reading back ($name)', (factory) => {
  let t: TestApp;
  /** what was sent: id → epoch ms */
  const sent = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerModel(t, { ...CREDIT_MODEL, model_id: 'rd' });
    // N rows over 5 UTC days, in shuffled order, in several requests; many share a timestamp
    const rng = fc.sample(fc.integer({ min: 0, max: 5 * 24 * 60 - 1 }), { seed: 7, numRuns: N });
    const start = Date.UTC(2026, 1, 20);
    const rows = rng.map((minute, i) => {
      const ts = start + minute * 60_000;
      sent.set(`r-${i}`, ts);
      return creditPrediction(i, { model_id: 'rd', prediction_id: `r-${i}`, timestamp: ts });
    });
    for (let i = 0; i < rows.length; i += 400) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/predictions/bulk', headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: ndjson(rows.slice(i, i + 400)) });
      expect(res.json().accepted).toBe(Math.min(400, rows.length - i));
    }
  });
  afterAll(async () => t?.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(t.keys.read) });

  async function walk(query: string, limit: number): Promise<{ items: Listed[]; pages: number }> {
    const items: Listed[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/v1/predictions?model_id=rd&limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      const page: { items: Listed[]; next_cursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  const expectOrdered = (items: Listed[]) => {
    for (let i = 1; i < items.length; i++) {
      const a = Date.parse(items[i - 1].timestamp);
      const b = Date.parse(items[i].timestamp);
      expect(a < b || (a === b && items[i - 1].prediction_id < items[i].prediction_id), `${items[i - 1].prediction_id} before ${items[i].prediction_id}`).toBe(true);
    }
  };

  it('walks every page: each row exactly once, oldest first', async () => {
    const { items, pages } = await walk('', 97);
    expect(pages).toBe(Math.ceil(N / 97));
    expect(items.length).toBe(N);
    expect(new Set(items.map((p) => p.prediction_id)).size).toBe(N);
    for (const p of items) expect(Date.parse(p.timestamp)).toBe(sent.get(p.prediction_id));
    expectOrdered(items);
  });

  it('pages within a time range [from, to)', async () => {
    const from = Date.UTC(2026, 1, 21, 6);
    const to = Date.UTC(2026, 1, 23, 18);
    const expected = [...sent].filter(([, ts]) => ts >= from && ts < to).map(([id]) => id).sort();
    const { items } = await walk(`&from=${new Date(from).toISOString()}&to=${to}`, 250);
    expect(items.map((p) => p.prediction_id).sort()).toEqual(expected);
    expectOrdered(items);
  });

  it('counts predictions per UTC day', async () => {
    const expected = new Map<string, number>();
    for (const ts of sent.values()) {
      const day = new Date(ts).toISOString().slice(0, 10);
      expected.set(day, (expected.get(day) ?? 0) + 1);
    }
    const res = (await get(`/api/v1/predictions/counts?model_id=rd&from=2026-02-01&to=${T0}`)).json();
    expect(res.total).toBe(N);
    expect(res.days).toEqual([...expected].sort().map(([day, count]) => ({ day, count })));
    // a window that cuts days in half counts only what is inside
    const from = Date.UTC(2026, 1, 21, 12);
    const part = (await get(`/api/v1/predictions/counts?model_id=rd&from=${from}&to=${from + DAY}`)).json();
    expect(part.total).toBe([...sent.values()].filter((ts) => ts >= from && ts < from + DAY).length);
    expect(part.days.map((d: { day: string }) => d.day)).toEqual(['2026-02-21', '2026-02-22']);
  });

  it('rejects bad paging input with 400s and unknown models with 404', async () => {
    expectErrorShape(await get('/api/v1/predictions?model_id=rd&cursor=not-a-cursor'), 400);
    expectErrorShape(await get('/api/v1/predictions?model_id=rd&limit=0'), 400, 'validation_failed');
    expectErrorShape(await get('/api/v1/predictions?model_id=rd&limit=5000'), 400, 'validation_failed');
    expectErrorShape(await get('/api/v1/predictions?model_id=rd&from=tuesday'), 400, 'validation_failed');
    expectErrorShape(await get('/api/v1/predictions'), 400, 'validation_failed');
    expectErrorShape(await get('/api/v1/predictions?model_id=ghost'), 404, 'model_not_found');
    expectErrorShape(await get('/api/v1/predictions/counts?model_id=ghost'), 404, 'model_not_found');
    expectErrorShape(await get('/api/v1/predictions/r-1?model_id=ghost'), 404, 'not_found');
  });
});
