import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DriftwatchClient } from '../client/driftwatch-client.js';
import { startProxy } from '../client/proxy.js';
import { ThreadLogger, loggerThreadScript } from '../client/proxy-logger.js';
import type { FailedRow } from '../client/types.js';
import { type ProxyMapping, compileMapping } from '../client/proxy-mapping.js';

/** `--listen` as host and port: `:9000` (all interfaces), `9000`, `127.0.0.1:9000`, `[::1]:9000`. */
export function parseListen(text: string): { host: string | undefined; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error(`--listen must be [host]:port, e.g. :9000 or 127.0.0.1:9000 (got "${text}")`);
  const host = m[1] ?? (m[2] || undefined);
  return { host, port };
}

/** Read and parse --config (the JSON pointer mapping); errors name the file. */
export function readMapping(file: string | undefined): ProxyMapping {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`--config: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as ProxyMapping;
  } catch (e) {
    throw new Error(`--config: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

interface ProxyCommandOptions {
  listen: string;
  target: string;
  model: string;
  config?: string;
  url?: string;
  apiKey?: string;
  batchSize?: string;
  maxBuffer?: string;
}

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer (got "${text}")`);
  return n;
}

/** `driftwatch proxy`: a logging reverse proxy in front of a model server. */
export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('reverse proxy in front of a model server: forwards every request unchanged and logs model calls to driftwatch')
    .requiredOption('--listen <[host]:port>', 'where to listen, e.g. :9000')
    .requiredOption('--target <url>', 'the model server, e.g. http://model:8000')
    .requiredOption('--model <id>', 'driftwatch model id of the logged predictions')
    .option('--config <file>', 'JSON mapping of calls to predictions (JSON pointers; see docs/integrations.md)')
    .option('--url <url>', 'driftwatch base URL (default $DRIFTWATCH_URL or http://127.0.0.1:8080)')
    .option('--api-key <key>', 'driftwatch key with the ingest scope (default $DRIFTWATCH_API_KEY)')
    // small requests: driftwatch's work for them is spread in small pieces, which keeps the
    // latency tail of the proxied calls down when the two share a machine
    .option('--batch-size <n>', 'predictions per request to driftwatch', '100')
    .option('--max-buffer <n>', 'predictions held while driftwatch is away (the oldest are dropped beyond)', '100000')
    .action(async (opts: ProxyCommandOptions) => {
      const listen = parseListen(opts.listen);
      const mapping = readMapping(opts.config);
      const apiKey = opts.apiKey ?? process.env.DRIFTWATCH_API_KEY;
      if (!apiKey) throw new Error('--api-key (or DRIFTWATCH_API_KEY) is required: a key with the ingest scope');
      const url = opts.url ?? process.env.DRIFTWATCH_URL ?? 'http://127.0.0.1:8080';
      if (!/^https?:\/\//.test(url)) throw new Error(`--url must be an http(s):// URL (got "${url}")`);
      const clientOptions = { url, apiKey, modelId: opts.model, batchSize: positive('--batch-size', opts.batchSize), maxBuffer: positive('--max-buffer', opts.maxBuffer) };
      const onFailure = (failures: FailedRow[], count = failures.length) => console.error(`driftwatch proxy: ${count} prediction(s) not stored, e.g. ${failures[0]?.prediction_id}: ${failures[0]?.reason}`);
      const onError = (e: unknown) => console.error(`driftwatch proxy: a call was not logged: ${(e as Error).message}`);
      compileMapping(mapping); // a bad mapping is refused here, naming the key, before a thread starts
      // logging runs on a thread of its own (parsing, mapping, serialising, sending to driftwatch
      // never hold up a proxied response); on the same loop when the thread's script is not
      // there (the TypeScript sources)
      const script = loggerThreadScript();
      const client = script ? undefined : new DriftwatchClient({ ...clientOptions, flushOnExit: false, onFailure });
      const logger = script ? new ThreadLogger(script, { client: clientOptions, mapping }, onError, onFailure) : undefined;
      await logger?.ready();
      const proxy = await startProxy({ target: opts.target, client, logger, mapping, onError, host: listen.host, port: listen.port }).catch(async (e: unknown) => {
        await (logger ?? client)?.close();
        throw e;
      });
      console.log(`driftwatch proxy listening on ${proxy.url} → ${opts.target}, logging model "${opts.model}" to ${url}`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(1); // a second signal: do not wait
        stopping = true;
        console.error(`driftwatch proxy: ${signal}, finishing in-flight requests and flushing predictions`);
        void proxy
          .close()
          .then(async () => (await proxy.server.logger.close()) ?? (client && (await client.close(), client.stats())))
          .then((s) => {
            const { forwarded, logged, skipped } = proxy.server.proxyStats();
            console.error(`driftwatch proxy: stopped (${forwarded} forwarded, ${logged} logged, ${skipped} not logged; ${s?.sent ?? 0} predictions sent, ${s?.failed ?? 0} failed, ${s?.dropped ?? 0} dropped)`);
            process.exit(0);
          });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
