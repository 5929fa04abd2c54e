import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type LogContext, withLogContext } from '../../observability/log-context.js';

const contexts = new WeakMap<FastifyRequest, LogContext>();

/**
 * Everything a request runs (its handler, the analyses and record listeners it starts) runs in
 * its log context, so lines logged through `currentLog` carry its request id. Entered when the
 * request arrives and again after the body was read (stream events lose the async context).
 */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const context: LogContext = { request_id: request.id, log: request.log };
    contexts.set(request, context);
    withLogContext(context, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    const context = contexts.get(request);
    if (context) withLogContext(context, done);
    else done();
  });
}
