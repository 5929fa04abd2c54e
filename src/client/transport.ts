import http from 'node:http';
import https from 'node:https';

/** What came back from one request. */
export interface TransportResponse {
  status: number;
  /** the Retry-After header, if any */
  retryAfter: string | undefined;
  body: string;
}

/**
 * POSTs to one driftwatch over keep-alive connections (node:http or node:https, chosen by the
 * URL). No retries here: the client decides what to retry.
 */
export class Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly requestFn: typeof http.request;
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(
    url: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.base = new URL(url);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new TypeError(`url must be http(s)://…, not ${url}`);
    const secure = this.base.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets });
    this.requestFn = secure ? https.request : http.request;
  }

  /**
   * POST `payload` to `path` (with query) and read the whole answer; resolves once the answer is
   * in and the payload was handed to the OS in full (or the connection closed). Rejects on
   * network errors and timeouts.
   */
  post(path: string, payload: Buffer, contentType: string): Promise<TransportResponse> {
    const prefix = this.base.pathname.replace(/\/$/, '');
    return new Promise((resolve, reject) => {
      /** the answer, once read in full */
      let answer: TransportResponse | undefined;
      let settled = false;
      // settle once the answer is in and the payload was written out too (or the connection is
      // gone): a server may answer before reading all of it, and the caller may reuse the
      // payload's memory after. An error after the answer (the server closed the connection on a
      // body it did not want) does not change the answer.
      const settle = (error?: Error) => {
        if (settled) return;
        if (answer === undefined && error === undefined) return;
        settled = true;
        this.inFlight.delete(req);
        if (answer !== undefined) resolve(answer);
        else reject(error);
      };
      const req = this.requestFn(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method: 'POST',
          path: prefix + path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': contentType,
            'content-length': payload.length,
            accept: 'application/json',
            'user-agent': 'driftwatch-client-node',
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('error', (e) => settle(e));
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            answer = { status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: Buffer.concat(parts).toString('utf8') };
            if (req.writableFinished) settle();
            else {
              req.once('finish', () => settle());
              req.once('close', () => settle());
            }
          });
        },
      );
      this.inFlight.add(req);
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => settle(e));
      req.end(payload);
    });
  }

  /** Abort what is in flight and close idle connections. */
  destroy(): void {
    for (const req of this.inFlight) req.destroy(new Error('client closed'));
    this.inFlight.clear();
    this.agent.destroy();
  }
}
