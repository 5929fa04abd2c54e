import { type CaptureOptions, type RequestView, capturePrediction, parseBody } from './capture.js';

/** Options of {@link fastifyPlugin}: how to capture, and which routes are model endpoints. */
export interface FastifyPluginOptions extends CaptureOptions {
  /** route patterns as registered (e.g. '/predict', '/models/:id/predict'); default: every POST route */
  routes?: string[];
}

/** The parts of a Fastify request the plugin reads (structural: fastify is not a dependency of the client). */
interface RequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  routeOptions?: { url?: string };
}
interface ReplyLike {
  statusCode: number;
  getHeader(name: string): unknown;
}
type Done = (err?: Error | null, value?: unknown) => void;
type CallHook = (request: RequestLike, reply: ReplyLike, done: Done) => void;
type PayloadHook = (request: RequestLike, reply: ReplyLike, payload: unknown, done: Done) => void;
/** Loose on purpose, so that every Fastify version's FastifyInstance is assignable to it. */
interface FastifyLike {
  addHook(name: string, hook: CallHook | PayloadHook): unknown;
}

interface CallState {
  started: number;
  sent: number;
  response: unknown;
  raw: unknown;
}

/**
 * A Fastify plugin that logs each call of a model endpoint:
 *
 *   await app.register(fastifyPlugin, { client, routes: ['/predict'] });
 *
 * It applies to the whole app (it is not encapsulated), to the listed routes or every POST
 * route. The response object is taken before serialisation when there is one (no parsing),
 * else the sent payload is parsed as JSON; the prediction is logged in onResponse, after the
 * answer went out, with `latency_ms` (onRequest to onSend) in metadata.
 */
function driftwatchFastify(instance: FastifyLike, options: FastifyPluginOptions, done: (err?: Error) => void): void {
  const routes = options.routes ? new Set(options.routes) : undefined;
  const calls = new WeakMap<RequestLike, CallState>();
  const watched = (request: RequestLike) => {
    const route = request.routeOptions?.url;
    return route !== undefined && (routes ? routes.has(route) : request.method === 'POST');
  };
  const onRequest: CallHook = (request, _reply, next) => {
    if (watched(request)) calls.set(request, { started: performance.now(), sent: 0, response: undefined, raw: undefined });
    next();
  };
  const preSerialization: PayloadHook = (request, _reply, payload, next) => {
    const call = calls.get(request);
    if (call) call.response = payload;
    next(null, payload);
  };
  const onSend: PayloadHook = (request, _reply, payload, next) => {
    const call = calls.get(request);
    if (call) {
      call.sent = performance.now();
      if (call.response === undefined) call.raw = payload;
    }
    next(null, payload);
  };
  const onResponse: CallHook = (request, reply, next) => {
    const call = calls.get(request);
    if (call) {
      calls.delete(request);
      let response = call.response;
      if (response === undefined && (typeof call.raw === 'string' || Buffer.isBuffer(call.raw))) {
        const type = reply.getHeader('content-type');
        response = parseBody(call.raw, typeof type === 'string' ? type : undefined);
      }
      const view: RequestView = { method: request.method, url: request.url, headers: request.headers, body: request.body };
      capturePrediction(options, view, reply.statusCode, response, (call.sent || performance.now()) - call.started);
    }
    next();
  };
  instance.addHook('onRequest', onRequest);
  instance.addHook('preSerialization', preSerialization);
  instance.addHook('onSend', onSend);
  instance.addHook('onResponse', onResponse);
  done();
}

/**
 * The plugin, marked like `fastify-plugin` does (skip-override) so its hooks see every route
 * of the instance it is registered on.
 */
export const fastifyPlugin: typeof driftwatchFastify & { [key: symbol]: unknown } = Object.assign(driftwatchFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'driftwatch',
  [Symbol.for('plugin-meta')]: { name: 'driftwatch', fastify: '4.x || 5.x' },
});
