import type { FastifyRequest } from 'fastify';
import type { Actor, AuditEvent } from '../../observability/audit.js';

/** Who made a change: the API key of the request, and its request id (the audit trail's actor). */
export const actorOf = (request: FastifyRequest): Actor => ({ actor: request.apiKey ? `key:${request.apiKey.id}` : 'anonymous', request_id: request.id });

/** Write an audit entry for what a request changed (after the change; a failure to audit is logged, not thrown). */
export async function audit(request: FastifyRequest, event: AuditEvent): Promise<void> {
  try {
    await request.server.ctx.alerting.audit.record(actorOf(request), event);
  } catch (e) {
    request.log.error({ err: e, action: event.action }, 'audit entry not written');
  }
}
