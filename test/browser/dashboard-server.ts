/**
 * The real server for browser tests: startServer on a temporary SQLite store (port 0, no
 * scheduler), an admin and a read key, and optionally the demo's story seeded through the
 * server's own services (so its records raise the demo's alerts and incident).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import type { AppContext } from '../../src/server/context.js';
import { DEFAULT_WEB_ROOT } from '../../src/server/routes/dashboard.js';
import { type RunningServer, startServer } from '../../src/server/server.js';

export interface DashboardServer {
  url: string;
  ctx: AppContext;
  keys: { admin: string; read: string };
  server: RunningServer;
  /** an authenticated JSON call to the API (admin key unless given) */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startDashboardServer(options: { demo?: boolean } = {}): Promise<DashboardServer> {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) throw new Error(`the dashboard is not built (${DEFAULT_WEB_ROOT}): run \`npm run build\` (npm test does) before the browser tests`);
  const dir = mkdtempSync(join(tmpdir(), 'dw-browser-'));
  const config = loadConfig({
    env: { DRIFTWATCH_DB: join(dir, 'dashboard.db'), DRIFTWATCH_PORT: '0', DRIFTWATCH_HOST: '127.0.0.1', DRIFTWATCH_LOG_LEVEL: 'silent', DRIFTWATCH_SCHEDULER: 'false' },
  });
  const server = await startServer(config, { print: () => undefined });
  const { ctx } = server.app;
  try {
    if (options.demo) await seedDemo({ store: ctx.store, ingest: ctx.ingest, monitoring: ctx.monitoring }, { now: ctx.clock() });
    const admin = server.bootstrapKey!;
    const read = (await createApiKey(ctx.store, 'dashboard reader', ['read'], ctx.clock())).token;
    const api = async <T>(method: string, path: string, body?: unknown, key = admin) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    };
    return {
      url: server.url,
      ctx,
      keys: { admin, read },
      server,
      api,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
