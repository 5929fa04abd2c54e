import type { FastifyInstance } from 'fastify';

/**
 * Once the app is closing, answers to the requests still in flight carry `Connection: close`:
 * the client stops reusing the connection and the server closes it, instead of holding it open
 * as an idle keep-alive (up to the keep-alive timeout) before the process can exit.
 */
export function registerDrain(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
