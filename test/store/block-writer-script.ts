import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

let script: Promise<URL> | undefined;

/**
 * The SQLite block writer thread's script, bundled to JavaScript once per test process (a worker
 * cannot load TypeScript). It lives under node_modules/.cache so `better-sqlite3` resolves.
 */
export function blockWriterScript(): Promise<URL> {
  script ??= (async () => {
    const dir = join(process.cwd(), 'node_modules', '.cache', 'driftwatch-tests', `block-writer-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'block-writer-worker.mjs');
    await build({
      entryPoints: [new URL('../../src/store/sqlite/block-writer-worker.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['better-sqlite3'],
      outfile,
      logLevel: 'silent',
    });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return pathToFileURL(outfile);
  })();
  return script;
}
