#!/usr/bin/env node
/**
 * The naive baseline: an HTTP server that takes the same NDJSON bodies and stores each
 * prediction as one row of JSON text (JSON.parse per line to find id and time, one prepared
 * INSERT per row, one transaction per request, WAL, synchronous=FULL). What issue 2 calls
 * "a naive row-by-row insert of JSON text". The database is BENCH_DB.
 */
import http from 'node:http';
import Database from 'better-sqlite3';

const db = new Database(process.env.BENCH_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS predictions (
  model_id TEXT NOT NULL, prediction_id TEXT NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (model_id, prediction_id))`);
db.exec('CREATE INDEX IF NOT EXISTS predictions_ts ON predictions (model_id, ts)');
const insert = db.prepare('INSERT OR IGNORE INTO predictions (model_id, prediction_id, ts, body) VALUES (?, ?, ?, ?)');
const writeAll = db.transaction((lines) => {
  let inserted = 0;
  for (const line of lines) {
    if (line === '') continue;
    const p = JSON.parse(line);
    inserted += insert.run(p.model_id, p.prediction_id, Date.parse(p.timestamp), line).changes;
  }
  return inserted;
});

const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    try {
      const accepted = writeAll(Buffer.concat(parts).toString('utf8').split('\n'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted }));
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`naive baseline listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
