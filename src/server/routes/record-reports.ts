import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { recordToReport } from '../../analysis/report/from-record.js';
import { renderHtml } from '../../analysis/report/render-html.js';
import { renderJson } from '../../analysis/report/render-json.js';
import { renderText } from '../../analysis/report/render-text.js';
import { findRecord } from './monitoring-lookup.js';
import { errorResponses } from './schemas.js';

const CONTENT_TYPES = { json: 'application/json; charset=utf-8', text: 'text/plain; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

/** A record drawn by the report renderers of `driftwatch report`. */
export const recordReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/monitoring/records/:record_id/report',
    {
      schema: {
        tags: ['monitoring'],
        summary: 'A monitoring record as a report: JSON, plain text or one self-contained HTML page',
        description: 'The same renderers as `driftwatch report`; the reference side is the record’s baseline, the current side its window. HTML has no scripts and loads nothing (a Content-Security-Policy forbids it); every value from the data is escaped.',
        params: Type.Object({ record_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text'), Type.Literal('html')], { default: 'html' })) }),
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { store } = app.ctx;
      const record = await findRecord(store, request.params.record_id);
      const [baseline, model] = await Promise.all([record.baseline_id ? store.getBaseline(record.baseline_id) : null, store.getModel(record.model_id)]);
      const report = recordToReport(record, { baseline, model });
      const format = request.query.format ?? 'html';
      // the text renderer starts with its table heading: the record's identity goes above it
      const text = format === 'json' ? renderJson(report) : format === 'text' ? `${report.title}\n${renderText(report)}` : renderHtml(report);
      reply.type(CONTENT_TYPES[format]);
      if (format === 'html') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      return text;
    },
  );
};
