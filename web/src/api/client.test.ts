import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, withQuery } from './client';

const KEY = `dw_AbCdEfGhIjKl_${'s'.repeat(43)}`;

describe('withQuery', () => {
  it('encodes every value, repeats arrays and leaves out empty ones', () => {
    expect(withQuery('/api/v1/x', { a: 'b c&d=e', n: 3, t: true, list: ['p/q', 'r#s'], none: undefined, nil: null, empty: '' })).toBe('/api/v1/x?a=b+c%26d%3De&n=3&t=true&list=p%2Fq&list=r%23s');
    expect(withQuery('/api/v1/x')).toBe('/api/v1/x');
    expect(withQuery('/api/v1/x', { metric: 'data_drift.psi.<img src=x onerror=alert(1)>' })).toBe('/api/v1/x?metric=data_drift.psi.%3Cimg+src%3Dx+onerror%3Dalert%281%29%3E');
  });
});

describe('createApi', () => {
  const calls: { url: string; init: RequestInit }[] = [];
  const answer = (status: number, body: unknown) =>
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText: 'X' });
    });
  afterEach(() => {
    vi.unstubAllGlobals();
    calls.length = 0;
  });

  it('sends the key as a Bearer header, never in the URL, and no cookies', async () => {
    answer(200, { items: [] });
    const api = createApi(KEY, () => undefined);
    expect(await api.get('/api/v1/alerts', { acknowledged: false })).toEqual({ items: [] });
    expect(calls[0].url).toBe('/api/v1/alerts?acknowledged=false');
    expect(calls[0].url).not.toContain(KEY);
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe(`Bearer ${KEY}`);
    expect(calls[0].init.credentials).toBe('omit');
  });

  it('sends bodies as JSON', async () => {
    answer(200, { ok: true });
    await createApi(KEY, () => undefined).send('POST', '/api/v1/alerts/A/acknowledge', { acknowledged_by: 'me', notes: 'n' });
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.body).toBe('{"acknowledged_by":"me","notes":"n"}');
    expect((calls[0].init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it("turns the API's error shape into an ApiError and signs out on 401", async () => {
    const onUnauthorized = vi.fn();
    answer(403, { error: { code: 'forbidden', message: 'this route needs the "admin" scope', details: null } });
    const err = await createApi(KEY, onUnauthorized).send('POST', '/api/v1/silences', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, code: 'forbidden', message: 'this route needs the "admin" scope' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    answer(401, { error: { code: 'unauthorized', message: 'revoked', details: null } });
    await expect(createApi(KEY, onUnauthorized).get('/api/v1/models')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    answer(502, '<html>bad gateway</html>');
    await expect(createApi(KEY, onUnauthorized).get('/api/v1/models')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    await expect(createApi(KEY, () => undefined).get('/api/v1/models')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
