import { backoffDelay, isRetryableStatus, parseRetryAfter } from './backoff.js';
import { type NdjsonPart, splitPart } from './serialize.js';
import type { Transport } from './transport.js';
import type { FailedRow, RetryOptions } from './types.js';

/** What the client lends a delivery: where to send, how to retry, and whether it is giving up. */
export interface DeliveryContext {
  transport: Transport;
  retry: RetryOptions;
  partial: boolean;
  modelId: string | undefined;
  /** true once close() ran out of time: stop retrying */
  aborted(): boolean;
  /** wait `ms`, or less if the client aborts */
  sleep(ms: number): Promise<void>;
  /** one more attempt is about to be made */
  onRetry(): void;
}

/** The fate of one NDJSON body's rows. */
export interface DeliveryResult {
  /** rows driftwatch acknowledged (new or duplicates) */
  sent: number;
  /** rows that will not be stored */
  failed: number;
  /** why, for as many of the failed rows as the server named (it lists at most 1000 problems) */
  failures: FailedRow[];
  /** the body went in one request, answered 2xx (so driftwatch read all of it): its buffer may be reused */
  clean: boolean;
}

interface Problem {
  row?: number;
  field?: string;
  problem?: string;
}

/**
 * Send one NDJSON body until it is acknowledged, rejected or given up on. Network errors,
 * timeouts, 408, 429 and 5xx are retried with backoff (Retry-After honoured); a 413 splits the
 * body in two; any other 4xx fails the rows with the server's reason.
 */
export async function deliverPart(ctx: DeliveryContext, kind: FailedRow['kind'], part: NdjsonPart): Promise<DeliveryResult> {
  const query = new URLSearchParams();
  if (ctx.partial) query.set('partial', 'true');
  if (ctx.modelId !== undefined) query.set('model_id', ctx.modelId);
  const path = `${kind === 'prediction' ? '/api/v1/predictions/bulk' : '/api/v1/outcomes'}${query.size ? `?${query}` : ''}`;
  const failAll = (reason: string): DeliveryResult => ({ sent: 0, failed: part.ids.length, failures: part.ids.map((prediction_id) => ({ kind, prediction_id, reason })), clean: false });

  for (let attempt = 1; ; attempt++) {
    if (ctx.aborted()) return failAll('client closed before delivery');
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    let networkError: string | undefined;
    try {
      const res = await ctx.transport.post(path, part.body, 'application/x-ndjson');
      ({ status, body: text, retryAfter } = res);
    } catch (e) {
      status = 0;
      text = '';
      networkError = (e as Error).message;
    }
    if (status >= 200 && status < 300) return { ...readAccepted(kind, part, text), clean: attempt === 1 };
    if (status === 413 && part.ids.length > 1) {
      const [a, b] = splitPart(part);
      const [ra, rb] = [await deliverPart(ctx, kind, a), await deliverPart(ctx, kind, b)];
      return { sent: ra.sent + rb.sent, failed: ra.failed + rb.failed, failures: [...ra.failures, ...rb.failures], clean: false };
    }
    const reason = networkError ?? describeError(status, text);
    if (status !== 0 && !isRetryableStatus(status)) return readRejected(kind, part, text, reason);
    if (attempt >= ctx.retry.maxAttempts) return failAll(`gave up after ${attempt} attempts: ${reason}`);
    if (ctx.aborted()) return failAll(`client closed before delivery (last attempt: ${reason})`);
    ctx.onRetry();
    await ctx.sleep(backoffDelay(attempt, ctx.retry, parseRetryAfter(retryAfter)));
  }
}

/** A 2xx: count what landed and name the rows the server rejected (partial mode). */
function readAccepted(kind: FailedRow['kind'], part: NdjsonPart, text: string): Omit<DeliveryResult, 'clean'> {
  let body: { accepted?: number; duplicates?: number; rejected?: number; errors?: Problem[] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* a 2xx without a JSON body: everything landed */
  }
  const rejected = Math.min(part.ids.length, Math.max(0, Number(body.rejected) || 0));
  const failures = rowFailures(kind, part, body.errors ?? [], rejected);
  return { sent: part.ids.length - rejected, failed: rejected, failures };
}

/** A final 4xx: every row fails; rows the server named get their own reason. */
function readRejected(kind: FailedRow['kind'], part: NdjsonPart, text: string, reason: string): DeliveryResult {
  let problems: Problem[] = [];
  try {
    const details = (JSON.parse(text) as { error?: { details?: { problems?: Problem[] } } }).error?.details;
    if (Array.isArray(details?.problems)) problems = details.problems;
  } catch {
    /* not our error shape */
  }
  const named = new Map<number, string>();
  for (const p of problems) if (typeof p.row === 'number' && !named.has(p.row)) named.set(p.row, `${p.field ? `${p.field}: ` : ''}${p.problem ?? ''}`);
  return {
    sent: 0,
    failed: part.ids.length,
    failures: part.ids.map((prediction_id, row) => ({ kind, prediction_id, reason: named.get(row) ?? reason })),
    clean: false,
  };
}

/** One failure per rejected row the server named (its problems are per field, several per row). */
function rowFailures(kind: FailedRow['kind'], part: NdjsonPart, errors: Problem[], rejected: number): FailedRow[] {
  const byRow = new Map<number, string[]>();
  for (const e of errors) {
    if (typeof e.row !== 'number' || e.row < 0 || e.row >= part.ids.length) continue;
    const list = byRow.get(e.row) ?? [];
    list.push(`${e.field ? `${e.field}: ` : ''}${e.problem ?? 'rejected'}`);
    byRow.set(e.row, list);
  }
  const out: FailedRow[] = [];
  for (const [row, reasons] of byRow) if (out.length < rejected) out.push({ kind, prediction_id: part.ids[row], reason: reasons.join('; ') });
  return out;
}

function describeError(status: number, text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e?.message) return `HTTP ${status} ${e.code ?? ''}: ${e.message}`.replace(' :', ':');
  } catch {
    /* not JSON */
  }
  return `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}
