/**
 * A parse worker: turns NDJSON chunks into validated columns off the main thread (see
 * parse-pool.ts). Models come from the main thread on demand.
 */
import { parentPort } from 'node:worker_threads';
import type { Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import { prepareNdjsonChunk } from './ndjson-chunk.js';
import { transferablesOf, type ToMain, type ToWorker } from './parse-protocol.js';

const port = parentPort!;
const waiting = new Map<number, (models: [string, Model | null][]) => void>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'models') {
    waiting.get(msg.task)?.(msg.models);
    waiting.delete(msg.task);
    return;
  }
  const known = new Map(msg.models);
  const resolve = async (ids: string[]) => {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) {
      const got = await new Promise<[string, Model | null][]>((done) => {
        waiting.set(msg.task, done);
        post({ type: 'models', task: msg.task, ids: missing });
      });
      for (const [id, m] of got) known.set(id, m);
    }
    return known;
  };
  prepareNdjsonChunk(msg.bytes, msg.first, msg.options, msg.now, resolve, known).then(
    (result) => {
      // models go back as ids: the main thread has the same objects
      const accepted = result.chunk.accepted.map((a) => ({ modelId: a.model.model_id, count: a.count }));
      const reply: ToMain = { type: 'done', task: msg.task, result: { ...result, chunk: { ...result.chunk, accepted: [], order: [] }, accepted } };
      port.postMessage(reply, transferablesOf(result.chunk.batches));
    },
    (e: unknown) => {
      const error: Extract<ToMain, { type: 'error' }>['error'] =
        e instanceof AppError ? { app: true, code: e.code, message: e.message, details: e.details } : { app: false, code: 'internal', message: e instanceof Error ? e.message : String(e), details: null };
      post({ type: 'error', task: msg.task, error });
    },
  );
});

function post(m: ToMain): void {
  port.postMessage(m);
}
