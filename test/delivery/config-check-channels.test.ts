import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/cli/config-check.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-cc-channels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('driftwatch config check: channels and delivery', () => {
  it('names bad channel and delivery keys, env channels included', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'channels:\n  team:\n    type: slack\n    webhook_url: nope\ndelivery:\n  retry:\n    base: soon\n');
    const result = await checkConfig({ config: path }, { DRIFTWATCH_EMAIL_TO: 'x@example.com' });
    expect(result.ok).toBe(false);
    expect(result.text).toContain('channels.team.webhook_url: must be an http(s) URL');
    expect(result.text).toContain('delivery.retry.base: must be a duration');
    expect(result.text).toContain('channels.email (env DRIFTWATCH_EMAIL_TO)');
  });

  it('prints valid channels with their secrets masked', async () => {
    const path = join(dir, 'good.yaml');
    writeFileSync(
      path,
      [
        'channels:',
        '  team:',
        '    type: slack',
        '    webhook_url: https://hooks.slack.com/services/T0/B0/SLACKTOKEN123',
        '  pager:',
        '    type: pagerduty',
        '    routing_key: PDKEY0123456789',
        '  hook:',
        '    type: webhook',
        '    url: https://example.com/h',
        '    secret: shared-secret-42',
        '    headers: { Authorization: Bearer HDRTOKEN99 }',
      ].join('\n'),
    );
    const result = await checkConfig({ config: path }, {});
    expect(result.ok, result.text).toBe(true);
    for (const secret of ['SLACKTOKEN123', 'PDKEY0123456789', 'shared-secret-42', 'HDRTOKEN99']) expect(result.text).not.toContain(secret);
    expect(result.text).toContain('type: pagerduty');
  });
});
