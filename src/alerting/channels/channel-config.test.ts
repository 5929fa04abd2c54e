import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { parseChannels } from './channel-config.js';

const problemsOf = (fn: () => unknown): { key: string; problem: string }[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('no ConfigError');
};

const SLACK_URL = 'https://hooks.slack.com/services/T0/B0/SECRETSECRET';

describe('parseChannels', () => {
  it('reads a mapping of channels with defaults per type', () => {
    const specs = parseChannels(
      {
        channels: {
          oncall: { type: 'slack', webhook_url: SLACK_URL },
          mail: { type: 'email', smtp_url: 'smtp://u:p@mail:587', from: 'Driftwatch <alerts@example.com>', to: 'a@example.com, b@example.com', timeout: '5s' },
          hook: { type: 'webhook', url: 'https://example.com/hook', secret: 'abcdefgh12', headers: { 'x-team': 'ml' }, rate_limit: { per_second: 5, burst: 10 } },
          pd: { type: 'pagerduty', routing_key: 'R0UTINGKEY' },
          log: { type: 'console' },
          jsonl: { type: 'file', path: '/tmp/alerts.jsonl' },
        },
      },
      {},
    );
    expect(specs.map((s) => [s.name, s.type])).toEqual([
      ['oncall', 'slack'],
      ['mail', 'email'],
      ['hook', 'webhook'],
      ['pd', 'pagerduty'],
      ['log', 'console'],
      ['jsonl', 'file'],
    ]);
    expect(specs[0]).toMatchObject({ rate_limit: { per_second: 1, burst: 1 }, timeout_ms: 10_000 });
    expect(specs[1]).toMatchObject({ to: ['a@example.com', 'b@example.com'], cc: [], timeout_ms: 5000, rate_limit: null });
    expect(specs[2]).toMatchObject({ secret: 'abcdefgh12', headers: { 'x-team': 'ml' }, rate_limit: { per_second: 5, burst: 10 } });
    expect(specs[3]).toMatchObject({ events_url: 'https://events.pagerduty.com/v2/enqueue', rate_limit: { per_second: 2, burst: 20 } });
  });

  it('accepts the list form too', () => {
    expect(parseChannels({ channels: [{ name: 'a', type: 'console' }] }, {})).toEqual([{ type: 'console', name: 'a' }]);
  });

  it('creates channels from the environment and lets env override the file', () => {
    const specs = parseChannels(
      { channels: { webhook: { type: 'webhook', url: 'https://file.example.com/h' } } },
      {
        DRIFTWATCH_SLACK_WEBHOOK_URL: SLACK_URL,
        DRIFTWATCH_WEBHOOK_SECRET: 'from-env-secret',
        DRIFTWATCH_PAGERDUTY_ROUTING_KEY: 'RK123456',
        DRIFTWATCH_PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9/v2/enqueue',
        DRIFTWATCH_SMTP_URL: 'smtp://127.0.0.1:2525',
        DRIFTWATCH_EMAIL_FROM: 'alerts@example.com',
        DRIFTWATCH_EMAIL_TO: 'oncall@example.com',
      },
    );
    const byName = Object.fromEntries(specs.map((s) => [s.name, s]));
    expect(byName.webhook).toMatchObject({ type: 'webhook', url: 'https://file.example.com/h', secret: 'from-env-secret' });
    expect(byName.slack).toMatchObject({ type: 'slack', webhook_url: SLACK_URL });
    expect(byName.pagerduty).toMatchObject({ routing_key: 'RK123456', events_url: 'http://127.0.0.1:9/v2/enqueue' });
    expect(byName.email).toMatchObject({ smtp_url: 'smtp://127.0.0.1:2525', to: ['oncall@example.com'] });
  });

  it('names every bad key, with the env var it came from, and never echoes a secret', () => {
    const problems = problemsOf(() =>
      parseChannels(
        {
          channels: {
            a: { type: 'slak' },
            b: { type: 'slack', webhook_url: 'ftp://x', colour: 'red' },
            c: { type: 'webhook', url: 'https://x', secret: 'short', headers: { a: 1 } },
            d: { type: 'email', smtp_url: 'http://mail', from: 'nobody', to: [] },
            e: { type: 'pagerduty', routing_key: 'has space', timeout: 'forever', rate_limit: { per_second: 0 } },
            'bad name!': { type: 'console' },
          },
        },
        { DRIFTWATCH_EMAIL_TO: 'x@y.z', DRIFTWATCH_PAGERDUTY_EVENTS_URL: 'nope' },
      ),
    );
    const keys = problems.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'channels.a.type',
        'channels.b.webhook_url',
        'channels.b.colour',
        'channels.c.secret',
        'channels.c.headers',
        'channels.d.smtp_url',
        'channels.d.from',
        'channels.d.to',
        'channels.e.routing_key',
        'channels.e.timeout',
        'channels.e.rate_limit',
        'channels.bad name!',
        'channels.email (env DRIFTWATCH_EMAIL_TO)',
        'channels.pagerduty (env DRIFTWATCH_PAGERDUTY_EVENTS_URL)',
      ]),
    );
    expect(JSON.stringify(problems)).not.toContain('short');
    expect(JSON.stringify(problems)).not.toContain('has space');
  });

  it('refuses an env var for a channel of another type', () => {
    const problems = problemsOf(() => parseChannels({ channels: { slack: { type: 'webhook', url: 'https://x' } } }, { DRIFTWATCH_SLACK_WEBHOOK_URL: SLACK_URL }));
    expect(problems).toEqual([{ key: 'channels.slack.type', problem: 'is webhook, but DRIFTWATCH_SLACK_WEBHOOK_URL configures a slack channel of that name' }]);
  });

  it('names the env var in a problem with its value', () => {
    const problems = problemsOf(() => parseChannels({}, { DRIFTWATCH_SLACK_WEBHOOK_URL: 'not-a-url' }));
    expect(problems).toEqual([{ key: 'channels.slack.webhook_url (env DRIFTWATCH_SLACK_WEBHOOK_URL)', problem: 'must be an http(s) URL' }]);
  });
});
