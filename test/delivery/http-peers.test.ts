import { afterEach, describe, expect, it } from 'vitest';
import { PagerDutyChannel } from '../../src/alerting/channels/pagerduty/pagerduty-channel.js';
import { SlackChannel } from '../../src/alerting/channels/slack/slack-channel.js';
import { WebhookChannel } from '../../src/alerting/channels/webhook/webhook-channel.js';
import { verifySignature } from '../../src/alerting/channels/webhook/webhook-signature.js';
import { HttpReceiver } from './http-receiver.js';
import { enqueue, makeAlert, makeIncident } from './outbox-fixtures.js';
import { nextAttempt, peerWorker, rowsOf } from './peer-worker.js';

const SECRET = 'whsec-0123456789abcdef';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('channels against real HTTP peers on loopback', () => {
  it('webhook: 500, 429 with Retry-After, a hanging answer, connection refused, then accepted; one key, every body signed', async () => {
    const rx = await HttpReceiver.start({ status: 204 });
    closers.push(() => rx.close());
    rx.reply({ status: 500, body: 'boom' }, { status: 429, headers: { 'retry-after': '2' } }, 'hang');
    const hook = new WebhookChannel({ name: 'hook', url: rx.url('/hook?token=abcdefgh'), secret: SECRET, headers: {}, rate_limit: null, timeout_ms: 300 });
    const { store, clock, worker, cleanup } = await peerWorker([hook]);
    closers.push(cleanup);
    const alert = makeAlert();
    const [d] = await enqueue(store, { kind: 'trigger', alert }, ['hook'], clock.now());
    const q = { alert_id: alert.alert_id };

    await worker.runOnce();
    let [row] = await rowsOf(store, q);
    expect(row).toMatchObject({ attempts: 1, last_error: 'HTTP 500: boom', next_attempt_at: clock.now() + 500 });

    await nextAttempt(store, clock, worker, q);
    [row] = await rowsOf(store, q);
    expect(row).toMatchObject({ attempts: 2, last_error: 'HTTP 429', next_attempt_at: clock.now() + 2000 });

    const before = Date.now();
    await nextAttempt(store, clock, worker, q);
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    [row] = await rowsOf(store, q);
    expect(row).toMatchObject({ attempts: 3, last_error: 'timed out after 300 ms' });

    await rx.down();
    await nextAttempt(store, clock, worker, q);
    [row] = await rowsOf(store, q);
    expect(row).toMatchObject({ attempts: 4, last_error: 'connection failed (ECONNREFUSED)', status: 'pending' });

    await rx.up();
    await nextAttempt(store, clock, worker, q);
    [row] = await rowsOf(store, q);
    expect(row).toMatchObject({ attempts: 5, status: 'sent', last_error: null });

    expect(rx.received).toHaveLength(4); // the refused attempt never arrived
    expect(rx.keys()).toEqual([d.idempotency_key]);
    for (const r of rx.received) {
      expect(r.path).toBe('/hook?token=abcdefgh');
      expect(verifySignature(r.body, SECRET, r.headers['x-driftwatch-signature'] as string)).toBe(true);
      expect(verifySignature(r.body, 'wrong-secret-000', r.headers['x-driftwatch-signature'] as string)).toBe(false);
      expect(Math.floor(Date.parse(r.json.timestamp) / 1000)).toBe(Number(r.headers['x-driftwatch-timestamp']));
      expect(r.json).toMatchObject({ version: '1', event: 'trigger', idempotency_key: d.idempotency_key, alert_id: alert.alert_id, severity: 'CRITICAL', model_id: 'loan-approval' });
    }
  });

  it('Slack: Block Kit trigger, a 429 with an HTTP-date Retry-After, then the acknowledgment as a follow-up; secrets stay out of errors', async () => {
    const rx = await HttpReceiver.start({ status: 200, body: 'ok' });
    closers.push(() => rx.close());
    const url = rx.url('/services/T000/B000/SECRETTOKEN42');
    const slack = new SlackChannel({ name: 'slack', webhook_url: url, rate_limit: { per_second: 1, burst: 1 }, timeout_ms: 2000 });
    const { store, clock, worker, logs, cleanup } = await peerWorker([slack]);
    closers.push(cleanup);
    const inc = makeIncident();
    const alert = makeAlert({ incident_id: inc.incident_id });
    const q = { incident_id: inc.incident_id };
    await enqueue(store, { kind: 'trigger', alert, incident: inc }, ['slack'], clock.now());
    await enqueue(store, { kind: 'acknowledge', alert, incident: inc, actor: 'jane', notes: 'on it' }, ['slack'], clock.now());

    rx.reply({ status: 429, headers: { 'retry-after': new Date(clock.now() + 30_000).toUTCString() } });
    await worker.runOnce();
    const [trigger] = await rowsOf(store, q);
    expect(trigger.last_error).toBe('HTTP 429');
    // an HTTP date has whole seconds: 29-30 s from now
    expect(trigger.next_attempt_at - clock.now()).toBeGreaterThan(28_900);
    expect(trigger.next_attempt_at - clock.now()).toBeLessThanOrEqual(30_000);

    await nextAttempt(store, clock, worker, q); // trigger
    await nextAttempt(store, clock, worker, q); // acknowledgment, after it
    expect((await rowsOf(store, q)).map((r) => [r.kind, r.status])).toEqual([
      ['trigger', 'sent'],
      ['acknowledge', 'sent'],
    ]);
    const [first, retried, ack] = rx.received;
    expect(retried.body).toBe(first.body);
    expect(retried.json.text).toContain('CRITICAL: Data drift on income — model loan-approval');
    expect(retried.json.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'section', 'section', 'actions', 'context']);
    expect(ack.json.text).toBe(':eyes: Acknowledged by jane: Data drift on income — model loan-approval');

    // a receiver that echoes the secret path: the stored error and the logs keep it out
    rx.reply({ status: 404, body: 'no_service for /services/T000/B000/SECRETTOKEN42' });
    const other = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: other }, ['slack'], clock.now());
    await nextAttempt(store, clock, worker, { alert_id: other.alert_id });
    const [failed] = await rowsOf(store, { alert_id: other.alert_id });
    expect(failed).toMatchObject({ status: 'failed', last_error: 'not retryable: HTTP 404: no_service for ***' });
    expect(JSON.stringify(logs)).not.toContain('SECRETTOKEN42');
  });

  it('PagerDuty: trigger, acknowledge and resolve share the incident as dedup_key; a comment sends nothing; a 400 is final', async () => {
    const rx = await HttpReceiver.start({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"status":"success","message":"Event processed"}' });
    closers.push(() => rx.close());
    const pd = new PagerDutyChannel({ name: 'pd', routing_key: 'R0UTINGKEY0123456789', events_url: rx.url('/v2/enqueue'), rate_limit: { per_second: 2, burst: 20 }, timeout_ms: 2000 });
    const { store, clock, worker, cleanup } = await peerWorker([pd]);
    closers.push(cleanup);
    const inc = makeIncident();
    const alert = makeAlert({ incident_id: inc.incident_id });
    const q = { incident_id: inc.incident_id };
    for (const kind of ['trigger', 'comment', 'acknowledge', 'resolve'] as const) await enqueue(store, { kind, alert, incident: inc, actor: 'jane' }, ['pd'], clock.now());
    for (let i = 0; i < 4; i++) await nextAttempt(store, clock, worker, q);
    expect((await rowsOf(store, q)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(rx.received.map((r) => [r.json.event_action, r.json.dedup_key, r.json.routing_key])).toEqual([
      ['trigger', inc.incident_id, 'R0UTINGKEY0123456789'],
      ['acknowledge', inc.incident_id, 'R0UTINGKEY0123456789'],
      ['resolve', inc.incident_id, 'R0UTINGKEY0123456789'],
    ]);
    expect(rx.received[0].json.payload).toMatchObject({ severity: 'critical', source: 'driftwatch/loan-approval', custom_details: { idempotency_key: `${inc.incident_id}:1:pd` } });

    rx.reply({ status: 400, body: '{"status":"invalid event","errors":["payload.summary is missing"]}' });
    const lone = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: lone }, ['pd'], clock.now());
    await worker.runOnce();
    const [row] = await rowsOf(store, { alert_id: lone.alert_id });
    expect(row.status).toBe('failed');
    expect(row.last_error).toContain('HTTP 400');
    expect(row.last_error).not.toContain('R0UTINGKEY');
  });
});
