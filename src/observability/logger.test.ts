import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { SecretScrubber, loggerOptions, redactFields, scrubberFor, secretsIn } from './logger.js';

const KEY = 'dw_AbCdEfGhIjKl_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

function capture(scrubber: SecretScrubber, level = 'info') {
  const lines: string[] = [];
  const config = loadConfig({ env: { LOG_LEVEL: level } });
  const log = pino(loggerOptions(config, scrubber) as pino.LoggerOptions, { write: (l: string) => lines.push(l) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes JSON lines with an ISO time, the level as a word and the message; the level comes from LOG_LEVEL', () => {
    const { log, parsed } = capture(new SecretScrubber(), 'warn');
    log.info('not written');
    log.warn({ model_id: 'm' }, 'written');
    const [line, ...rest] = parsed();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'warn', msg: 'written', model_id: 'm' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('redacts secret fields and scrubs keys, bearer tokens and registered secrets anywhere in a line', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('https://hooks.slack.com/services/T000/B000/XXXXSECRET');
    scrubber.add('pa"ss\\word!');
    scrubber.add('tiny'); // too short to scrub safely
    const { log, lines, parsed } = capture(scrubber);
    log.info({ req: { headers: { authorization: `Bearer ${KEY}` } }, channel: { webhook_url: 'https://example.com/hook', secret: 's3cr3t-value', smtp: { password: 'hunter22' } } }, 'sending');
    log.warn({ err: `request failed: Authorization: Bearer abc.def.ghi for ${KEY}` }, 'posting to https://hooks.slack.com/services/T000/B000/XXXXSECRET failed');
    log.error({ detail: { deeper: { still: 'pa"ss\\word!' } } }, 'tiny stays');
    const text = lines.join('');
    for (const secret of [KEY.slice(16), 'example.com/hook', 's3cr3t-value', 'XXXXSECRET', 'abc.def.ghi', 'hunter22', 'ss\\\\word']) expect(text).not.toContain(secret);
    const [a, b, c] = parsed();
    expect(a).toMatchObject({ channel: { webhook_url: '[redacted]', secret: '[redacted]' } });
    expect(b.err).toBe('request failed: Authorization: Bearer [redacted] for dw_AbCdEfGhIjKl_[redacted]');
    expect(b.msg).toBe('posting to [redacted] failed');
    expect(c).toMatchObject({ msg: 'tiny stays', detail: { deeper: { still: '[redacted]' } } });
  });

  it('finds the secrets of a configuration: the metrics token and secret-looking keys of extension sections', () => {
    expect(secretsIn({ channels: [{ type: 'slack', webhook_url: 'https://hooks/abc' }, { type: 'email', smtp: { host: 'mail', password: 'pw-123456' }, to: ['a@b'] }], pagerduty: { routing_key: 'R0UTING' } }).sort()).toEqual(['R0UTING', 'https://hooks/abc', 'pw-123456']);
    const config = loadConfig({ env: { DRIFTWATCH_METRICS_TOKEN: 'metrics-token-1' } });
    config.extensions = { alerting: { channels: { ops: { type: 'webhook', url: 'https://hooks.example/T1', signing_secret: 'sign-me-please' } } } };
    const s = scrubberFor(config, { DRIFTWATCH_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/ENV', DRIFTWATCH_PORT: '8080', HOME: '/root/home' });
    expect(s.scrub('metrics-token-1 https://hooks.example/T1 sign-me-please https://hooks.slack.com/services/ENV 8080 /root/home')).toBe('[redacted] [redacted] [redacted] [redacted] 8080 /root/home');
  });

  it("redacts by field name without changing the caller's objects, errors included", () => {
    const headers = { authorization: 'Bearer x', cookie: 'c=1', accept: '*/*' };
    const input = { req: { method: 'GET', headers }, token: 't', n: 1, list: [{ token: 'kept in arrays: the scrubber is the net there' }], deep: { a: { b: { password: 'three levels down: scrubber only' } } } };
    const out = redactFields(input);
    expect(out).toEqual({ req: { method: 'GET', headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' } }, token: '[redacted]', n: 1, list: input.list, deep: input.deep });
    expect(input.token).toBe('t');
    expect(headers.authorization).toBe('Bearer x');
    // nothing to redact: the very same object (no copy per line)
    const plain = { method: 'POST', url: '/api/v1/predictions', status_code: 200, nested: { ok: true } };
    expect(redactFields(plain)).toBe(plain);
    // an error keeps its message and stack; its secret field is replaced on a copy
    const err = Object.assign(new Error('boom'), { token: 'tok-123456' });
    const r = redactFields({ err }).err as Error & { token: string };
    expect(r).toBeInstanceOf(Error);
    expect(r.message).toBe('boom');
    expect(r.stack).toBe(err.stack);
    expect(r.token).toBe('[redacted]');
    expect(err.token).toBe('tok-123456');
  });
});
