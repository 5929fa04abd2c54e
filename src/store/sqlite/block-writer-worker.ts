/**
 * The block writer thread: its own connection to the SQLite file, inserting planned blocks and
 * committing (with the fsync synchronous=FULL asks for) off the main thread. See
 * block-writer.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { BlockWriterInit, BlockWriterReply, BlockWriterRequest } from './block-writer.js';
import { BlockInserter } from './prediction-writer.js';

const init = workerData as BlockWriterInit;
const db = new Database(init.path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${init.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('busy_timeout = 10000');
// it only appends blocks: pages are written once, and a transaction larger than the cache spills to the WAL
db.pragma('cache_size = -4096');
const inserter = new BlockInserter(db);
const port = parentPort!;

port.on('message', (m: BlockWriterRequest) => {
  if (m.type === 'close') {
    db.close();
    port.postMessage({ type: 'closed' } satisfies BlockWriterReply);
    return;
  }
  let reply: BlockWriterReply;
  try {
    const blocks = m.blocks.map((b) => ({ ...b, data: Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength) }));
    const ids = db
      .transaction(() => {
        // the plan was made against this many blocks: any block written since may hold its keys
        if (inserter.maxBlockId() !== m.expectMaxBlockId) return null;
        return inserter.insert(blocks, m.now);
      })
      .immediate();
    reply = ids ? { type: 'written', id: m.id, blockIds: ids } : { type: 'stale', id: m.id };
  } catch (e) {
    reply = { type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
