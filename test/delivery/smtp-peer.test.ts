import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailChannel } from '../../src/alerting/channels/email/email-channel.js';
import { parseMail, decodeWords } from './mime.js';
import { enqueue, makeAlert, makeIncident } from './outbox-fixtures.js';
import { nextAttempt, peerWorker, rowsOf } from './peer-worker.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that can refuse the next messages with a given reply code. */
async function smtpPeer() {
  const mails: Mail[] = [];
  const refuse: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 'pa55word') callback(null, { user: 'alerts' });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = refuse.shift();
        if (code) return callback(Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code }));
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { mails, refuse, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('email against a real SMTP server on loopback', () => {
  it('a temporary refusal is retried; the mail has the subject, a derived Message-ID, and HTML and text parts', async () => {
    const smtp = await smtpPeer();
    closers.push(smtp.close);
    const email = new EmailChannel({ name: 'email', smtp_url: `smtp://alerts:pa55word@127.0.0.1:${smtp.port}`, from: 'Driftwatch <alerts@example.com>', to: ['oncall@example.com'], cc: ['ml@example.com'], rate_limit: null, timeout_ms: 3000 });
    closers.push(() => email.close());
    const { store, clock, worker, cleanup } = await peerWorker([email]);
    closers.push(cleanup);
    const inc = makeIncident();
    const alert = makeAlert({ incident_id: inc.incident_id });
    const [d] = await enqueue(store, { kind: 'trigger', alert, incident: inc }, ['email'], clock.now());
    await enqueue(store, { kind: 'resolve', alert, incident: inc, actor: 'jane', notes: 'retrained' }, ['email'], clock.now());
    const q = { incident_id: inc.incident_id };

    smtp.refuse.push(451);
    await worker.runOnce();
    const [first] = await rowsOf(store, q);
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.last_error).toMatch(/^SMTP 451/);
    expect(first.last_error).not.toContain('pa55word');

    await nextAttempt(store, clock, worker, q);
    await nextAttempt(store, clock, worker, q);
    expect((await rowsOf(store, q)).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(smtp.mails).toHaveLength(2);

    const trigger = parseMail(smtp.mails[0].raw);
    expect(smtp.mails[0]).toMatchObject({ from: 'alerts@example.com', to: ['oncall@example.com', 'ml@example.com'] });
    expect(decodeWords(trigger.headers.subject)).toBe('[CRITICAL] Data drift on income — model loan-approval');
    expect(trigger.headers['message-id']).toMatch(/^<dw\.[0-9a-f]{32}@example\.com>$/);
    expect(trigger.headers['x-driftwatch-idempotency-key']).toBe(d.idempotency_key);
    expect(trigger.headers['content-type']).toMatch(/^multipart\/alternative/);
    const text = trigger.parts.find((p) => p.headers['content-type'].startsWith('text/plain'));
    const html = trigger.parts.find((p) => p.headers['content-type'].startsWith('text/html'));
    expect(text?.body).toContain('CRITICAL: Data drift on income — model loan-approval');
    expect(text?.body).toContain('data_drift.psi.income 0.31 (threshold 0.2) — affected: age 65+');
    expect(text?.body).toContain(`Dashboard: https://dw.example.com/incidents/${inc.incident_id}`);
    expect(html?.body).toContain('<table');
    expect(html?.body).toContain('>data_drift.psi.income</td>');
    expect(html?.body).toContain(`href="https://dw.example.com/incidents/${inc.incident_id}"`);

    const resolved = parseMail(smtp.mails[1].raw);
    expect(decodeWords(resolved.headers.subject)).toBe('[RESOLVED] Data drift on income — model loan-approval');
    expect(resolved.headers['in-reply-to']).toBe(trigger.headers.references);
    expect(resolved.parts.find((p) => p.headers['content-type'].startsWith('text/plain'))?.body).toContain('Notes: retrained');
  });

  it('a permanent refusal (5xx) fails the delivery; an unreachable server is retried', async () => {
    const smtp = await smtpPeer();
    const email = new EmailChannel({ name: 'email', smtp_url: `smtp://127.0.0.1:${smtp.port}`, from: 'alerts@example.com', to: ['oncall@example.com'], cc: [], rate_limit: null, timeout_ms: 2000 });
    closers.push(() => email.close());
    const { store, worker, clock, cleanup } = await peerWorker([email]);
    closers.push(cleanup);
    const rejected = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: rejected }, ['email'], clock.now());
    smtp.refuse.push(550);
    await worker.runOnce();
    expect((await rowsOf(store, { alert_id: rejected.alert_id }))[0]).toMatchObject({ status: 'failed', attempts: 1 });

    await smtp.close();
    const later = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: later }, ['email'], clock.now());
    await worker.runOnce();
    const [row] = await rowsOf(store, { alert_id: later.alert_id });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toContain('ECONNREFUSED');
  });
});
