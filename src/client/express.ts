import { type CaptureOptions, type RequestView, capturePrediction, parseBody } from './capture.js';

/** The parts of an Express (or plain node:http) request the middleware reads. */
export interface ExpressLikeRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** set by express.json() (mount it before this middleware) */
  body?: unknown;
}

/** The parts of an Express (or plain node:http) response the middleware wraps. */
export interface ExpressLikeResponse {
  statusCode: number;
  json?: (body: unknown) => unknown;
  write(chunk: unknown, ...rest: unknown[]): boolean;
  end(...args: unknown[]): unknown;
  getHeader(name: string): number | string | string[] | undefined;
  once(event: 'finish', listener: () => void): unknown;
}

/** Bytes of a streamed (non-res.json) response body kept for extraction; larger bodies are not logged. */
const MAX_CAPTURE_BYTES = 1 << 20;
const NONE = Symbol('none');

/**
 * Express middleware that logs each call of a model endpoint:
 *
 *   app.post('/predict', express.json(), expressMiddleware({ client }), handler);
 *
 * The response body is taken from `res.json(body)` as the object given (no parsing), else from
 * what was written, parsed as JSON. The prediction is built and logged once the response has
 * finished, so it adds nothing to the response's latency; `latency_ms` (request start to
 * `res.end`) goes into metadata. Works with plain node:http handlers too.
 */
export function expressMiddleware(options: CaptureOptions): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    const started = performance.now();
    let ended = 0;
    let body: unknown = NONE;
    let chunks: Buffer[] | undefined = [];
    let bytes = 0;
    const keep = (chunk: unknown) => {
      if (body !== NONE || chunks === undefined || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : undefined;
      if (!buf) return;
      bytes += buf.length;
      if (bytes > MAX_CAPTURE_BYTES) chunks = undefined;
      else chunks.push(buf);
    };
    try {
      const json = res.json;
      if (typeof json === 'function') {
        res.json = function (this: unknown, value: unknown) {
          if (body === NONE) body = value;
          return json.call(this, value);
        };
      }
      const write = res.write;
      res.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
        keep(chunk);
        return write.call(this, chunk, ...rest);
      };
      const end = res.end;
      res.end = function (this: unknown, ...args: unknown[]) {
        ended = performance.now();
        keep(args[0]);
        return end.apply(this, args);
      };
      res.once('finish', () => {
        const view: RequestView = { method: req.method ?? 'GET', url: req.originalUrl ?? req.url ?? '/', headers: req.headers, body: req.body };
        let response = body;
        if (response === NONE) {
          if (chunks === undefined) return; // too large to keep: not logged
          const type = res.getHeader('content-type');
          response = parseBody(chunks.length ? Buffer.concat(chunks) : undefined, typeof type === 'string' ? type : undefined);
        }
        capturePrediction(options, view, res.statusCode, response, (ended || performance.now()) - started);
      });
    } catch (e) {
      options.onError?.(e);
    }
    next();
  };
}
