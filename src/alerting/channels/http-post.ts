import { httpFailure, thrownFailure } from '../delivery/delivery-error.js';
import type { SendContext } from './channel.js';
import { redact } from './secrets.js';

/** The receiver's answer to an accepted POST. */
export interface HttpAnswer {
  status: number;
  /** the answer's body, cut to 2 kB */
  text: string;
}

const MAX_ANSWER = 2048;

/**
 * POST a body and wait for a 2xx within the attempt's timeout. A non-2xx answer throws a
 * DeliveryError that says whether to retry and carries Retry-After; a timeout, a refused or
 * reset connection throws a retryable one. Error texts pass through `redact` so a secret URL or
 * key never reaches a log or the outbox.
 */
export async function postBody(url: string, body: string, headers: Record<string, string>, ctx: SendContext, secrets: readonly string[]): Promise<HttpAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', body, headers: { 'user-agent': 'driftwatch', ...headers }, signal: ctx.signal, redirect: 'manual' });
    text = (await response.text()).slice(0, MAX_ANSWER);
  } catch (e) {
    const failure = thrownFailure(e, ctx.timeoutMs);
    failure.message = redact(failure.message, secrets);
    throw failure;
  }
  if (response.status < 200 || response.status >= 300) {
    // an HTTP-date Retry-After is wall time; ctx.now is the worker's (wall) clock
    throw httpFailure(response.status, response.headers.get('retry-after'), redact(text, secrets), ctx.now);
  }
  return { status: response.status, text };
}

/** POST JSON (`content-type: application/json`). */
export const postJson = (url: string, value: unknown, headers: Record<string, string>, ctx: SendContext, secrets: readonly string[]): Promise<HttpAnswer> =>
  postBody(url, JSON.stringify(value), { 'content-type': 'application/json', ...headers }, ctx, secrets);
