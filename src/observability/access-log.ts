import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';

type Leveled = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };

/**
 * One access line per request, written when the answer has been sent: `request completed`
 * (or `request errored`) with method, url, status code, response time and the client's
 * address, under the request's `request_id`. Fastify's default writes two lines per request
 * (`incoming request` on arrival and `request completed`); at thousands of requests a second
 * those lines cost more than the ingest work itself (bench/ingest), and everything they said is
 * in the one line. Routes with a higher `logLevel` (/metrics: warn) log nothing here.
 */
export class AccessLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id', disableRequestLogging: false });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const log = reply.log as Leveled;
    if (error) {
      log.error(
        { method: request.method, url: request.url, status_code: reply.statusCode, response_time_ms: round(reply.elapsedTime), remote_address: request.ip, err: error },
        'request errored',
      );
    } else if (log.isLevelEnabled?.('info') !== false) {
      log.info(
        { method: request.method, url: request.url, status_code: reply.statusCode, response_time_ms: round(reply.elapsedTime), remote_address: request.ip },
        'request completed',
      );
    }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
