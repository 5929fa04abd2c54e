import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyCommand, formatKeyTable, parseScopes, revokeKeyCommand } from '../../src/cli/keys.js';
import { KeyVerifier } from '../../src/server/auth/api-keys.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-keys-'));
  store = SqliteStore.open({ path: join(dir, 'k.db') });
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('keys commands', () => {
  it('parses scopes and names unknown ones', () => {
    expect(parseScopes('ingest, read,ingest')).toEqual(['ingest', 'read']);
    expect(() => parseScopes('read,root')).toThrow(/unknown: root/);
    expect(() => parseScopes(' , ')).toThrow(/one or more/);
  });

  it('creates a key whose token works, stores only its hash, and revokes it', async () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const out = JSON.parse(await createKeyCommand(store, ' ci bot ', 'ingest,read', true, now)) as { id: string; token: string; scopes: string[]; name: string; created_at: string };
    expect(out).toMatchObject({ name: 'ci bot', scopes: ['ingest', 'read'], created_at: '2026-01-02T03:04:05.000Z' });
    const stored = (await store.getApiKey(out.id))!;
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(out.token.split('_').pop()!);
    expect((await new KeyVerifier(store, () => now).verify(out.token))?.id).toBe(out.id);

    expect(await revokeKeyCommand(store, out.id, now + 1000)).toMatch(/revoked API key/);
    expect(await new KeyVerifier(store, () => now).verify(out.token)).toBeNull();
    await expect(revokeKeyCommand(store, out.id)).rejects.toThrow(/already revoked at 2026-01-02T03:04:06.000Z/);
    await expect(revokeKeyCommand(store, 'missing')).rejects.toThrow(/no API key with id missing/);
  });

  it('prints the token once in text mode', async () => {
    const text = await createKeyCommand(store, 'ops', 'admin', false);
    expect(text).toMatch(/^created API key \w+ "ops" \(scopes: admin\)/);
    expect(text).toMatch(/\n  dw_\w{12}_[\w-]{43}$/);
    await expect(createKeyCommand(store, '  ', 'admin', false)).rejects.toThrow(/--name/);
  });

  it('lists keys as a table with id, name, scopes, created, last used, revoked', async () => {
    const t0 = Date.UTC(2026, 5, 1, 12);
    const a = JSON.parse(await createKeyCommand(store, 'reader', 'read', true, t0)) as { id: string };
    const b = JSON.parse(await createKeyCommand(store, 'a much longer name', 'ingest,admin', true, t0 + 60_000)) as { id: string };
    await store.touchApiKey(a.id, t0 + 3_600_000);
    await store.revokeApiKey(b.id, t0 + 7_200_000);
    const lines = formatKeyTable(await store.listApiKeys()).split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED']);
    const row = (id: string) => lines.find((l) => l.startsWith(id))!.split(/\s{2,}/);
    expect(row(a.id)).toEqual([a.id, 'reader', 'read', '2026-06-01 12:00:00Z', '2026-06-01 13:00:00Z', '-']);
    expect(row(b.id)).toEqual([b.id, 'a much longer name', 'ingest,admin', '2026-06-01 12:01:00Z', '-', '2026-06-01 14:00:00Z']);
    // columns line up
    const at = lines[0].indexOf('SCOPES');
    for (const l of lines) expect(l.slice(at).startsWith(l.split(/\s{2,}/)[2])).toBe(true);
  });
});
