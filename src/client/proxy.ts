import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PredictionSink } from './capture.js';
import { type CallLogger, InlineLogger } from './proxy-logger.js';
import { type ProxyMapping, compileMapping } from './proxy-mapping.js';

/** Configuration of {@link createProxy}. */
export interface ProxyOptions {
  /** the model server, e.g. http://model:8000 (http only) */
  target: string;
  /**
   * where the predictions go (usually a DriftwatchClient with the model's id), logged on the
   * proxy's own event loop; or `logger`
   */
  client?: PredictionSink;
  /** what turns captured calls into predictions instead of `client` (e.g. a ThreadLogger: the CLI's) */
  logger?: CallLogger;
  /** which calls to log and where their fields are (default: POST calls, middleware defaults) */
  mapping?: ProxyMapping;
  /** request or response bodies larger than this are forwarded but not logged (default 1 MiB) */
  maxCaptureBytes?: number;
  /** told about calls that could not be logged (never affects the proxied response) */
  onError?: (error: unknown) => void;
}

/** Counters of a running proxy. */
export interface ProxyStats {
  forwarded: number;
  logged: number;
  /** model calls that were not logged: body too large, not JSON, fields missing */
  skipped: number;
  /** requests answered 502 because the model server could not be reached */
  upstreamErrors: number;
}

// RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = typeof headers.connection === 'string' ? headers.connection.toLowerCase().split(',').map((s) => s.trim()) : [];
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && !listed.includes(k)) out[k] = v;
  return out;
}

/** Collects a copy of a body's chunks up to a limit. */
class BodyCopy {
  chunks: Buffer[] | undefined = [];
  private bytes = 0;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (!this.chunks) return;
    this.bytes += chunk.length;
    if (this.bytes > this.limit) this.chunks = undefined;
    else this.chunks.push(chunk);
  }
}

const SMALL_BODY = 64 * 1024;

/**
 * Pass a body on, copying it for the log. A small body of known length goes in one write once
 * it is all in (it arrives in one or two packets anyway): headers and body leave in one syscall,
 * without stream plumbing. Anything else is streamed. A request with neither Content-Length nor
 * Transfer-Encoding has no body (RFC 9112 §6.3).
 */
function relay(from: http.IncomingMessage, to: http.ClientRequest | http.ServerResponse, copy: BodyCopy | undefined, isRequest: boolean): void {
  const declared = from.headers['content-length'];
  const length = declared === undefined ? (isRequest && from.headers['transfer-encoding'] === undefined ? 0 : NaN) : Number(declared);
  if (length >= 0 && length <= SMALL_BODY) {
    const chunks: Buffer[] = [];
    from.on('data', (c: Buffer) => {
      chunks.push(c);
      copy?.add(c);
    });
    from.on('end', () => {
      if (chunks.length === 0) to.end();
      else to.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    return;
  }
  if (copy) from.on('data', (c: Buffer) => copy.add(c));
  from.pipe(to);
}

/**
 * A reverse proxy in front of a model server: every request is forwarded as it came (method,
 * path, headers, body, streamed both ways over keep-alive connections) and answered with what
 * the model server answered. Model calls picked by the mapping are copied on the side and, once
 * the response has gone out, turned into predictions for the client. Nothing on the logging side
 * (parsing, mapping, driftwatch being down) can change or delay a proxied response.
 */
export function createProxy(options: ProxyOptions): http.Server & { proxyStats(): ProxyStats; logger: CallLogger } {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') throw new TypeError(`target must be http://…, not ${options.target}`);
  const mapping = compileMapping(options.mapping ?? {});
  const limit = options.maxCaptureBytes ?? 1 << 20;
  // idle upstream connections are closed after 4 s, before the model server's own keep-alive
  // timeout (Node's default is 5 s) can close one just as a request is sent on it
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256, timeout: 4000 });
  const stats = { forwarded: 0, upstreamErrors: 0 };
  const report = (e: unknown) => {
    try {
      options.onError?.(e);
    } catch {
      /* never */
    }
  };
  if (!options.logger && !options.client) throw new TypeError('createProxy needs a client or a logger');
  const logger = options.logger ?? new InlineLogger(mapping, options.client!, report);

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const arrived = Date.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const watched = mapping.matches(req.method ?? 'GET', q < 0 ? url : url.slice(0, q));
    const requestCopy = watched ? new BodyCopy(limit) : undefined;
    let responseCopy: BodyCopy | undefined;
    let upstream: http.IncomingMessage | undefined;
    let finishedAt = 0;
    stats.forwarded++;

    const up = http.request({ hostname: target.hostname, port: target.port, method: req.method, path: url, headers: endToEnd(req.headers), agent }, (upRes) => {
      upstream = upRes;
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, endToEnd(upRes.headers));
      if (watched) responseCopy = new BodyCopy(limit);
      upRes.on('end', () => (finishedAt = performance.now()));
      upRes.on('error', () => res.destroy());
      relay(upRes, res, responseCopy, false);
    });
    up.on('error', (e) => {
      stats.upstreamErrors++;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'bad_gateway', message: `the model server did not answer: ${e.message}` } }));
      } else res.destroy();
    });
    req.on('error', () => up.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy(); // the caller went away
    });
    relay(req, up, requestCopy, true);

    if (!watched) return;
    res.on('finish', () => {
      // after the response went out: the logger takes it from here, the proxied call never waits for it
      if (!upstream || !requestCopy?.chunks || !responseCopy?.chunks) return logger.skip();
      logger.capture({
        method: req.method ?? 'GET',
        url,
        requestHeaders: req.headers,
        requestBody: requestCopy.chunks.length === 1 ? requestCopy.chunks[0] : Buffer.concat(requestCopy.chunks),
        status: upstream.statusCode ?? 0,
        responseHeaders: upstream.headers,
        responseBody: responseCopy.chunks.length === 1 ? responseCopy.chunks[0] : Buffer.concat(responseCopy.chunks),
        arrived,
        latencyMs: (finishedAt || performance.now()) - started,
      });
    });
  });
  server.on('close', () => agent.destroy());
  return Object.assign(server, { logger, proxyStats: (): ProxyStats => ({ ...stats, ...logger.counts() }) });
}

/** Start a proxy listening on host:port; resolves with its URL. */
export async function startProxy(options: ProxyOptions & { host?: string; port: number }): Promise<{ url: string; server: ReturnType<typeof createProxy>; close(): Promise<void> }> {
  const server = createProxy(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    // stop taking requests, let those in flight finish, then let the logger log what they left
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await server.logger.close();
    },
  };
}
