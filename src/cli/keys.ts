import type { Command } from 'commander';
import { toIso } from '../domain/time.js';
import { SCOPES, createApiKey } from '../server/auth/api-keys.js';
import type { ApiKeyRecord, ApiScope, Store } from '../store/store.js';
import { addStoreOptions, describeStore, type StoreCommandOptions, withStore } from './cli-store.js';

/** Parse `ingest,read` into scopes; throws naming the unknown ones. */
export function parseScopes(text: string): ApiScope[] {
  const parts = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = parts.filter((p) => !SCOPES.includes(p as ApiScope));
  if (parts.length === 0 || unknown.length) {
    throw new Error(`--scope must list one or more of ${SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  }
  return parts as ApiScope[];
}

const when = (ts: number | null) => (ts === null ? '-' : toIso(ts).replace('T', ' ').slice(0, 19) + 'Z');

/** The `keys list` table: id, name, scopes, created, last used, revoked. */
export function formatKeyTable(keys: ApiKeyRecord[]): string {
  const head = ['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'];
  const rows = keys.map((k) => [k.id, k.name, k.scopes.join(','), when(k.created_at), when(k.last_used_at), when(k.revoked_at)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

const presentKey = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  created_at: toIso(k.created_at),
  last_used_at: k.last_used_at === null ? null : toIso(k.last_used_at),
  revoked_at: k.revoked_at === null ? null : toIso(k.revoked_at),
});

/** Create a key and return the lines to print (the token is shown this once). */
export async function createKeyCommand(store: Store, name: string, scopeText: string, json: boolean, now = Date.now()): Promise<string> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 256) throw new Error('--name must be 1–256 characters');
  const created = await createApiKey(store, trimmed, parseScopes(scopeText), now);
  if (json) return JSON.stringify({ ...presentKey(created.record), token: created.token });
  return [
    `created API key ${created.record.id} "${created.record.name}" (scopes: ${created.record.scopes.join(', ')})`,
    'The token is shown this once; keep it safe:',
    '',
    `  ${created.token}`,
  ].join('\n');
}

/** Revoke a key; throws when no active key has that id. */
export async function revokeKeyCommand(store: Store, id: string, now = Date.now()): Promise<string> {
  if (!(await store.revokeApiKey(id, now))) {
    const key = await store.getApiKey(id);
    throw new Error(key ? `API key ${id} was already revoked at ${toIso(key.revoked_at!)}` : `no API key with id ${id}`);
  }
  return `revoked API key ${id} (a running server stops accepting it within a few seconds)`;
}

/** `driftwatch keys create|list|revoke`, straight on the configured store. */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys (directly on the configured store)');

  addStoreOptions(
    keys
      .command('create')
      .description('create an API key and print its token once')
      .requiredOption('--name <name>', 'who or what the key is for')
      .requiredOption('--scope <scopes>', `comma-separated scopes: ${SCOPES.join(', ')}`)
      .option('--json', 'print the key as JSON'),
  ).action(async (opts: StoreCommandOptions & { name: string; scope: string; json?: boolean }) => {
    parseScopes(opts.scope); // fail before opening the store
    console.log(await withStore(opts, (store) => createKeyCommand(store, opts.name, opts.scope, opts.json === true)));
  });

  addStoreOptions(
    keys
      .command('list')
      .description('list API keys: id, name, scopes, created, last used, revoked')
      .option('--json', 'print the keys as JSON'),
  ).action(async (opts: StoreCommandOptions & { json?: boolean }) => {
    await withStore(opts, async (store, config) => {
      const list = await store.listApiKeys();
      if (opts.json) console.log(JSON.stringify(list.map(presentKey), null, 2));
      else if (list.length === 0) console.log(`no API keys in ${describeStore(config)} (serve creates an admin key on first start)`);
      else console.log(formatKeyTable(list));
    });
  });

  addStoreOptions(keys.command('revoke').description('revoke an API key').argument('<id>', 'key id (the part after dw_ in the token)')).action(
    async (id: string, opts: StoreCommandOptions) => {
      console.log(await withStore(opts, (store) => revokeKeyCommand(store, id)));
    },
  );
}
