import { Type } from '@fastify/type-provider-typebox';

/** Shared pieces of route schemas (they also make up the OpenAPI document). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code' }),
      message: Type.String(),
      details: Type.Unknown({ description: 'e.g. { problems: [{ row, field, problem }] }' }),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every 4xx/5xx has this shape.' },
);

export const errorResponses = {
  400: { $ref: 'ErrorResponse#' },
  401: { $ref: 'ErrorResponse#' },
  403: { $ref: 'ErrorResponse#' },
  404: { $ref: 'ErrorResponse#' },
} as const;

export const Timestamp = Type.Union([Type.String({ description: 'ISO-8601 date-time (UTC if no zone)' }), Type.Number({ description: 'epoch milliseconds' })]);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'next_cursor of the previous page' })),
};

export const IngestResultSchema = Type.Object({
  accepted: Type.Integer({ description: 'rows newly stored (committed)' }),
  duplicates: Type.Integer({ description: 'rows whose (model_id, prediction_id) was already stored' }),
  rejected: Type.Integer({ description: 'rows rejected (partial mode)' }),
  prediction_ids: Type.Optional(Type.Array(Type.String())),
  errors: Type.Array(Type.Object({ row: Type.Optional(Type.Integer()), field: Type.String(), problem: Type.String() })),
});
