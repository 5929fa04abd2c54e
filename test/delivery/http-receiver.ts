import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One request as the receiver got it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** the raw body, as signed */
  body: string;
  json: any;
  at: number;
  /** the status it was answered with (null: it hung) */
  answered: number | null;
}

/** What the receiver answers: a status (with headers and body), or nothing at all ('hang'). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * An HTTP peer on loopback standing in for Slack, a webhook receiver or PagerDuty. It answers
 * the scripted replies in order, then `fallback`; it can go down (connection refused) and come
 * back on the same port. Requests that hang are ended when it goes down.
 */
export class HttpReceiver {
  readonly received: Received[] = [];
  private readonly script: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  private waiters: { n: number; resolve: () => void }[] = [];

  private constructor(
    public port: number,
    public fallback: Reply,
  ) {}

  static async start(fallback: Reply = { status: 200, body: 'ok' }, port = 0): Promise<HttpReceiver> {
    const r = new HttpReceiver(port, fallback);
    await r.up();
    return r;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next requests get these replies, in order. */
  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Distinct Idempotency-Key values received, in first-arrival order. */
  keys(header = 'idempotency-key'): string[] {
    return [...new Set(this.received.map((r) => String(r.headers[header])))];
  }

  waitFor(n: number, timeoutMs = 5000): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.received.length} of ${n} requests`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          /* not JSON */
        }
        const reply = this.script.shift() ?? this.fallback;
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, at: Date.now(), answered: reply === 'hang' ? null : reply.status });
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
        if (reply === 'hang') {
          this.hanging.add(res);
          return;
        }
        // no keep-alive: a receiver that goes down must refuse the next connection, not cut a pooled one
        res.writeHead(reply.status, { 'content-type': 'text/plain', connection: 'close', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /**
   * Stop listening (sends now meet ECONNREFUSED) and end the requests left hanging. Answers
   * already given are let through: a receiver that took a request and answered 200 did take it.
   */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    // every answer says `connection: close`: sockets end by themselves once their answer is out
    server.closeIdleConnections();
    await closed;
  }

  close(): Promise<void> {
    return this.down();
  }
}
