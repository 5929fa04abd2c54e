import { describe, expect, it } from 'vitest';
import { sampleNotification } from './notification-fixtures.js';
import { escapeMrkdwn, slackMessage } from '../../src/alerting/channels/slack/slack-message.js';

const texts = (blocks: Record<string, unknown>[]): string => JSON.stringify(blocks);

describe('slackMessage', () => {
  it('a trigger shows severity, model, metrics against thresholds with affected groups, and a dashboard button', () => {
    const m = slackMessage(sampleNotification('trigger'));
    expect(m.text).toBe(':rotating_light: CRITICAL: Fairness drift detected <script> — model loan-approval');
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'CRITICAL: Fairness drift detected <script>', emoji: true } });
    const all = texts(m.blocks);
    expect(all).toContain('*Severity*\\nCRITICAL');
    expect(all).toContain('*Model*\\nloan-approval');
    expect(all).toContain('• *fairness.demographic_parity*: 0.14 (threshold 0.1) — affected: women, age 65+');
    expect(all).toContain('• *data_drift.psi.income*: 0.2346 (threshold 0.2)');
    // mrkdwn control characters are escaped in text the alert author wrote
    expect(all).toContain('Demographic parity gap 0.14 &gt; 0.10 &amp; rising');
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: { url: string; style?: string }[] };
    expect(actions.elements[0]).toMatchObject({ url: 'https://driftwatch.example.com/incidents/INC-2026-0001', style: 'danger' });
    expect(all).toContain('INC-2026-0001:1:slack');
  });

  it('an acknowledgment is a follow-up message naming who and the new status', () => {
    const m = slackMessage(sampleNotification('acknowledge', { actor: 'jane', notes: 'checking the <feed>' }));
    expect(m.text).toBe(':eyes: Acknowledged by jane: Fairness drift detected <script> — model loan-approval');
    const all = texts(m.blocks);
    expect(all).toContain('Status: investigating\\nBy jane\\nNotes: checking the &lt;feed&gt;');
    expect(all).not.toContain('danger');
  });

  it('a resolution says resolved', () => {
    const m = slackMessage(sampleNotification('resolve', { actor: 'driftwatch' }));
    expect(m.text.startsWith(':white_check_mark: Resolved by driftwatch')).toBe(true);
    expect(texts(m.blocks)).toContain('Status: resolved');
  });

  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
});
