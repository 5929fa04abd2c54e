import { describe, expect, it } from 'vitest';
import { sampleNotification } from './notification-fixtures.js';
import { emailContent, emailSubject } from '../../src/alerting/channels/email/email-content.js';

describe('email content', () => {
  it('subject: [SEVERITY] title — model id; [ACKNOWLEDGED] / [RESOLVED] afterwards', () => {
    expect(emailSubject(sampleNotification('trigger'))).toBe('[CRITICAL] Fairness drift detected <script> — model loan-approval');
    expect(emailSubject(sampleNotification('acknowledge'))).toBe('[ACKNOWLEDGED] Fairness drift detected <script> — model loan-approval');
    expect(emailSubject(sampleNotification('resolve'))).toBe('[RESOLVED] Fairness drift detected <script> — model loan-approval');
    const n = sampleNotification('trigger');
    expect(emailSubject({ ...n, title: 'a\r\nBcc: evil@example.com' })).toBe('[CRITICAL] a Bcc: evil@example.com — model loan-approval');
  });

  it('HTML escapes what alerts say and keeps the metrics table and link; text has the same facts', () => {
    const c = emailContent(sampleNotification('trigger'), 'example.com');
    expect(c.html).toContain('Fairness drift detected &lt;script&gt;');
    expect(c.html).not.toContain('<script>');
    expect(c.html).toContain('>fairness.demographic_parity</td>');
    expect(c.html).toContain('>women, age 65+</td>');
    expect(c.html).toContain('href="https://driftwatch.example.com/incidents/INC-2026-0001"');
    expect(c.text).toContain('fairness.demographic_parity 0.14 (threshold 0.1) — affected: women, age 65+');
    expect(c.text).toContain('Dashboard: https://driftwatch.example.com/incidents/INC-2026-0001');
    expect(c.headers['X-Driftwatch-Idempotency-Key']).toBe('INC-2026-0001:1:slack');
  });

  it('Message-ID follows from the idempotency key; every mail of an incident references one thread', () => {
    const a = emailContent(sampleNotification('trigger'), 'example.com');
    const b = emailContent(sampleNotification('trigger'), 'example.com');
    const ack = emailContent(sampleNotification('acknowledge'), 'example.com');
    expect(a.messageId).toBe(b.messageId);
    expect(a.messageId).toMatch(/^<dw\.[0-9a-f]{32}@example\.com>$/);
    expect(ack.messageId).not.toBe(a.messageId);
    expect(ack.references).toBe(a.references);
    expect(ack.inReplyTo).toBe(a.references);
    expect(a.inReplyTo).toBeUndefined();
  });
});
