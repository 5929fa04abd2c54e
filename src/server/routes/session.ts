import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors/catalog.js';
import { errorResponses } from './schemas.js';

/** Who a key is: the dashboard signs in with it and shows what the key may do. */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/session',
    {
      // any valid key may ask who it is, whatever its scopes (an ingest-only key too)
      config: { scope: 'public' },
      schema: {
        tags: ['keys'],
        summary: 'The API key this request is made with: id, name and scopes (any valid key)',
        response: {
          200: Type.Object({ key_id: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const header = request.headers.authorization;
      const token = header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
      if (!token) throw new AppError('unauthorized');
      const key = await app.ctx.keys.verify(token);
      if (!key) throw new AppError('unauthorized', 'the API key is unknown or revoked');
      return { key_id: key.id, name: key.name, scopes: key.scopes };
    },
  );
};
