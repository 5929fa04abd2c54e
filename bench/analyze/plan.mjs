/**
 * The query plan of the window scan's block lookup, as the store really issues it: the SQL the
 * store sends for `blocksInRange` is captured at the driver and explained with its parameters
 * (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
 */
import { openStore } from './dataset.mjs';

const DAY = 86_400_000;

export async function explainWindowScan(d, spec, modelId, end) {
  const store = await openStore(d, spec);
  const captured = [];
  const isBlockLookup = (text) => /from "prediction_blocks"/i.test(text) && /"min_ts"/.test(text) && !/delete/i.test(text);
  try {
    if (spec.backend === 'postgres') {
      const pool = store.pgPool;
      const connect = pool.connect.bind(pool);
      const wrap = (client) => {
        if (client && !client.__benchWrapped) {
          const query = client.query.bind(client);
          client.query = (q, params, ...rest) => {
            const text = typeof q === 'string' ? q : q?.text;
            if (text && isBlockLookup(text)) captured.push({ text, params: params ?? q.values ?? [] });
            return query(q, params, ...rest);
          };
          client.__benchWrapped = true;
        }
        return client;
      };
      // Kysely calls connect() with a callback or without (a promise): wrap both
      pool.connect = (cb) => (typeof cb === 'function' ? connect((err, client, release) => cb(err, wrap(client), release)) : connect().then(wrap));
      await store.blocksInRange(modelId, end - DAY, end);
      const { text, params } = captured[0];
      const r = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params);
      return [text, ...r.rows.map((row) => row['QUERY PLAN'])];
    }
    const raw = store.raw;
    const prepare = raw.prepare.bind(raw);
    raw.prepare = (text) => {
      const stmt = prepare(text);
      if (!isBlockLookup(text)) return stmt;
      return new Proxy(stmt, {
        get(target, key) {
          const v = target[key];
          if (key === 'all' || key === 'iterate') return (...params) => (captured.push({ text, params }), v.apply(target, params));
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    };
    await store.blocksInRange(modelId, end - DAY, end);
    raw.prepare = prepare;
    const { text, params } = captured[0];
    const plan = raw.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params);
    return [text, ...plan.map((p) => p.detail)];
  } finally {
    await store.close();
  }
}
