import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MODEL_ID_PATTERN } from '../../domain/model-schema.js';
import { toIso } from '../../domain/time.js';
import { AppError } from '../../errors/catalog.js';
import type { EvidenceBundleRow } from '../../store/lifecycle-store.js';
import { actorOf } from './audit-actor.js';
import { errorResponses } from './schemas.js';

const BUNDLE_ID = /^EVB-[0-9A-Z]{26}$/;
const Any = Type.Unknown();

const presentBundle = (b: EvidenceBundleRow) => ({
  bundle_id: b.bundle_id,
  incident_id: b.incident_id,
  created_at: toIso(b.created_at),
  created_by: b.created_by,
  file: basename(b.path),
  bytes: b.bytes,
  sha256: b.sha256,
  download_url: `/api/v1/evidence/${b.bundle_id}/download`,
  ...b.summary,
});

/** Evidence bundles (Flow 9) and the legal holds that keep incidents' data until they are exported. */
export const evidenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const findBundle = async (id: string) => {
    const b = BUNDLE_ID.test(id) ? await app.ctx.store.lifecycle.getBundle(id) : null;
    if (!b) throw new AppError('not_found', `no evidence bundle "${id.slice(0, 64)}"`);
    return b;
  };

  app.post(
    '/api/v1/evidence/export',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Export an incident’s evidence as a .tar.gz bundle (releases its legal hold)',
        description:
          'The bundle holds the incident, its alerts and deliveries, the monitoring record and its report (JSON, HTML), the baseline, the model, the audit entries, the predictions and outcomes of the analysis period (NDJSON, streamed) and manifest.json with the SHA-256 of every file. Check it with `driftwatch verify BUNDLE`. The incident’s exported_at is set and the export audited.',
        body: Type.Object({ incident_id: Type.String({ maxLength: 128 }) }, { additionalProperties: false }),
        response: { 201: Any, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await app.ctx.lifecycle.exportEvidence(request.body.incident_id, actorOf(request));
      const row = (await app.ctx.store.lifecycle.getBundle(result.bundle_id))!;
      return reply.status(201).send({ ...presentBundle(row), manifest: result.manifest });
    },
  );

  app.get(
    '/api/v1/evidence/:bundle_id',
    { schema: { tags: ['evidence'], summary: 'An evidence bundle: its files, size and SHA-256', params: Type.Object({ bundle_id: Type.String({ maxLength: 128 }) }), response: { 200: Any, ...errorResponses } } },
    async (request) => presentBundle(await findBundle(request.params.bundle_id)),
  );

  app.get(
    '/api/v1/evidence/:bundle_id/download',
    { schema: { tags: ['evidence'], summary: 'Download an evidence bundle (.tar.gz)', params: Type.Object({ bundle_id: Type.String({ maxLength: 128 }) }) } },
    async (request, reply) => {
      const b = await findBundle(request.params.bundle_id);
      if (!existsSync(b.path)) throw new AppError('not_found', `the file of bundle ${b.bundle_id} is no longer on the server`);
      reply.type('application/gzip');
      reply.header('content-disposition', `attachment; filename="${basename(b.path)}"`);
      reply.header('x-content-sha256', b.sha256);
      return reply.send(createReadStream(b.path));
    },
  );

  app.get(
    '/api/v1/incidents/:incident_id/evidence',
    { schema: { tags: ['evidence'], summary: 'An incident’s evidence bundles (newest first) and its legal hold', params: Type.Object({ incident_id: Type.String({ maxLength: 128 }) }), response: { 200: Any, ...errorResponses } } },
    async (request) => {
      const incident = await app.ctx.alerting.incidents.getIncident(request.params.incident_id);
      const exportedAt = await app.ctx.store.lifecycle.incidentExportedAt(incident.incident_id);
      return {
        incident_id: incident.incident_id,
        exported_at: exportedAt === null ? null : toIso(exportedAt),
        legal_hold: app.ctx.lifecycle.holds.holdOf(incident, exportedAt),
        bundles: (await app.ctx.store.lifecycle.bundlesOf(incident.incident_id)).map(presentBundle),
      };
    },
  );

  app.get(
    '/api/v1/holds',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Legal holds in force: incidents whose analysis period retention keeps until they are exported or resolved',
        querystring: Type.Object({ model_id: Type.Optional(Type.String({ maxLength: 128 })) }),
        response: { 200: Any, ...errorResponses },
      },
    },
    async (request) => {
      const m = request.query.model_id;
      // an id that cannot be a model's holds nothing (and never reaches the store)
      const items = m !== undefined && !MODEL_ID_PATTERN.test(m) ? [] : await app.ctx.lifecycle.holds.list(m);
      return { release_on: app.ctx.lifecycle.holds.releaseOn, items };
    },
  );
};
