import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CATALOG, type ErrorCode } from '../../errors/catalog.js';

interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

export function errorBody(code: ErrorCode, message: string, details: unknown = null): ErrorBody {
  return { error: { code, message, details } };
}

/** Map Fastify's own errors (body parsing, limits, schema validation) onto the catalog. */
function fromFastify(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', `the body is larger than the limit of this route`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', err.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the body is empty; send a JSON document');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`);
    case 'FST_ERR_VALIDATION': {
      const problems = (err.validation ?? []).map((v) => ({
        field: `${err.validationContext ?? ''}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''}`.replace(/^body\.?/, '') || (err.validationContext ?? 'body'),
        problem: v.message ?? 'is invalid',
      }));
      return new AppError('validation_failed', err.message, { problems });
    }
  }
  // the client went away mid-upload (nothing was committed; there is no one left to answer)
  if (err.message === 'aborted' || err.code === 'ECONNRESET') return new AppError('bad_request', 'the request body was cut short');
  if (err instanceof SyntaxError || err.name === 'SyntaxError') return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`);
  if (err.statusCode === 413) return new AppError('payload_too_large');
  if (err.statusCode === 415) return new AppError('unsupported_media_type', err.message);
  if (err.statusCode === 429) return new AppError('rate_limited', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('bad_request', err.message);
  return null;
}

/** One error handler: every 4xx/5xx leaves as `{ error: { code, message, details } }`; 5xx never leak internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const known = err instanceof AppError ? err : fromFastify(err as FastifyError);
    if (known && known.status < 500) {
      request.log.info({ code: known.code, status: known.status }, known.message);
      return reply.status(known.status).send(errorBody(known.code, known.message, known.details));
    }
    if (known) return reply.status(known.status).send(errorBody(known.code, known.message, known.details));
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal', ERROR_CATALOG.internal.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
