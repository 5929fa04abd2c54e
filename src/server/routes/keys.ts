import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toIso } from '../../domain/time.js';
import { AppError } from '../../errors/catalog.js';
import type { ApiKeyRecord } from '../../store/store.js';
import { clip } from '../../ingest/text-checks.js';
import { SCOPES, createApiKey } from '../auth/api-keys.js';
import { audit } from './audit-actor.js';
import { errorResponses } from './schemas.js';

const Scope = Type.Union([Type.Literal('ingest'), Type.Literal('read'), Type.Literal('admin')]);

const keyFields = {
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Scope),
  created_at: Type.String({ format: 'date-time' }),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};
const KeyView = Type.Object(keyFields);

const KeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** What a client may see of a key: never the hash, and the token only once, at creation. */
export const presentKey = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  created_at: toIso(k.created_at),
  revoked_at: k.revoked_at === null ? null : toIso(k.revoked_at),
  last_used_at: k.last_used_at === null ? null : toIso(k.last_used_at),
});

const isActiveAdmin = (k: ApiKeyRecord) => k.revoked_at === null && k.scopes.includes('admin');

/** Admin API for API keys (the same operations as `driftwatch keys create|list|revoke`). */
export const keyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'List API keys (active and revoked; secrets are never shown)',
        response: { 200: Type.Object({ items: Type.Array(KeyView) }), ...errorResponses },
      },
    },
    async () => ({ items: (await app.ctx.store.listApiKeys()).map(presentKey) }),
  );

  app.post(
    '/api/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key',
        description: 'The response carries the bearer token; it is shown this once and only its hash is stored.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 256 }),
            scopes: Type.Array(Scope, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...keyFields, token: Type.String({ description: 'dw_<id>_<secret>: shown once' }) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const name = request.body.name.trim();
      if (name.length === 0 || /[\u0000-\u001f\u007f]/.test(name)) {
        throw new AppError('validation_failed', 'name: must contain printable characters', { problems: [{ field: 'name', problem: 'must be printable text' }] });
      }
      const created = await createApiKey(app.ctx.store, name, request.body.scopes, app.ctx.clock());
      await audit(request, { action: 'key.create', target_type: 'key', target_id: created.record.id, details: { name, scopes: created.record.scopes } });
      return reply.status(201).send({ ...presentKey(created.record), token: created.token });
    },
  );

  app.delete(
    '/api/v1/keys/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key',
        description: 'The key stops working at once on this instance (within seconds on others). Revoking a revoked key is a no-op. The last active admin key cannot be revoked (409).',
        params: KeyParams,
        response: { 200: KeyView, ...errorResponses, 409: { $ref: 'ErrorResponse#' } },
      },
    },
    async (request) => {
      const { store, keys, clock } = app.ctx;
      // ids are 12 letters and digits: anything else is unknown without asking the store
      const key = /^[A-Za-z0-9]{12}$/.test(request.params.id) ? await store.getApiKey(request.params.id) : null;
      if (!key) throw new AppError('not_found', `no API key "${clip(request.params.id)}"`);
      if (key.revoked_at === null) {
        if (isActiveAdmin(key) && (await store.listApiKeys()).filter(isActiveAdmin).length <= 1) {
          throw new AppError('conflict', 'this is the last active admin key; create another admin key before revoking it');
        }
        await store.revokeApiKey(key.id, clock());
        keys.forget(key.id);
        await audit(request, { action: 'key.revoke', target_type: 'key', target_id: key.id, details: { name: key.name } });
      }
      return presentKey((await store.getApiKey(key.id))!);
    },
  );
};
