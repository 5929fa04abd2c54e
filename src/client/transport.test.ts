import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from './transport.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((ok) => s.close(ok));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Transport', () => {
  it('resolves with the answer once the body was written out in full', async () => {
    let received = 0;
    const url = await serve((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => res.end(JSON.stringify({ received })));
    });
    const t = new Transport(url, 'k', 5000, 2);
    const body = Buffer.alloc(8 << 20, 120);
    const res = await t.post('/x', body, 'text/plain');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: body.length });
    t.destroy();
  });

  it('keeps the answer of a server that answers before reading the body and drops the connection', async () => {
    const url = await serve((req, res) => {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'payload_too_large', message: 'too big' } }), () => req.socket.destroy());
    });
    const t = new Transport(url, 'k', 5000, 2);
    // larger than the socket buffers: the write is still going when the answer comes and the connection goes
    const res = await t.post('/x', Buffer.alloc(32 << 20, 120), 'text/plain');
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/payload_too_large/);
    t.destroy();
  });

  it('rejects on a network error before any answer', async () => {
    const url = await serve((req) => req.socket.destroy());
    const t = new Transport(url, 'k', 5000, 2);
    await expect(t.post('/x', Buffer.from('{}'), 'application/json')).rejects.toThrow();
    t.destroy();
  });
});
