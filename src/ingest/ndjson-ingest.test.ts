import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import { concatColumnSets } from '../store/blocks/columns.js';
import { readNdjson } from './ndjson.js';
import { prepareNdjson } from './ndjson-ingest.js';
import { ParsePool } from './parse-pool.js';
import { type IngestOptions, type PreparedChunk, buildChunk, planRows } from './prepare-rows.js';

const NOW = Date.UTC(2026, 2, 1);
const model: Model = {
  model_id: 'm',
  name: 'm',
  description: '',
  schema_version: 3,
  schema: parseModelSchema({
    task: 'binary_classification',
    labels: ['no', 'yes'],
    features: [
      { name: 'x', type: 'numeric' },
      { name: 'c', type: 'categorical', required: false },
    ],
  }),
  settings: DEFAULT_SETTINGS,
  created_at: 1,
  updated_at: 1,
};
const MODELS = new Map<string, Model | null>([['m', model]]);
const resolve = async (ids: string[]) => new Map(ids.map((id) => [id, MODELS.get(id) ?? null]));

/** What the bulk route did before chunks went to workers: readNdjson, then prepare per chunk. */
async function reference(body: Buffer, pieces: number[], options: IngestOptions, limitBytes: number, maxLine: number): Promise<PreparedChunk[]> {
  const chunks: PreparedChunk[] = [];
  for await (const items of readNdjson(streamOf(body, pieces), limitBytes, 4096, maxLine)) {
    const values: unknown[] = [];
    const lineErrors: PreparedChunk['problems'] = [];
    const firstRow = items[0].row;
    for (const it of items) {
      if ('error' in it) {
        lineErrors.push({ row: it.row, field: '', problem: it.error });
        values.push(undefined);
      } else values.push(it.value);
    }
    const plan = planRows(values, options, firstRow);
    const chunk = buildChunk(values, plan, await resolve([...plan.groups.keys()]), options, firstRow, NOW);
    if (lineErrors.length) {
      const invalid = new Set(lineErrors.map((e) => e.row));
      chunk.problems = [...lineErrors, ...chunk.problems.filter((p) => !invalid.has(p.row!))].sort((a, b) => a.row! - b.row!);
    }
    chunks.push(chunk);
  }
  return chunks;
}

function streamOf(body: Buffer, pieces: number[]): Readable {
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < body.length; i++) {
    const n = Math.max(1, pieces[i % pieces.length]);
    parts.push(body.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts);
}

/** Outcome of either path in comparable form: the error, or the rows and problems. */
async function outcome(run: () => Promise<PreparedChunk[]>): Promise<unknown> {
  try {
    const chunks = await run();
    const sets = chunks.flatMap((c) => c.batches.map((b) => b.columns));
    const merged = sets.length ? concatColumnSets(sets) : null;
    const columns = merged ? Object.fromEntries([...merged.columns].map(([k, c]) => [k, c.kind === 'f64' ? Array.from(c.values) : c.kind === 'dict' ? Array.from(c.codes, (x) => (x < 0 ? null : c.dict[x])) : c.values])) : null;
    const problems = chunks.flatMap((c) => c.problems);
    return {
      columns,
      versions: [...new Set(chunks.flatMap((c) => c.batches.map((b) => `${b.model_id}@${b.schema_version}`)))],
      accepted: chunks.flatMap((c) => c.accepted.map((a) => a.model.model_id)).length > 0,
      rejected: chunks.reduce((s, c) => s + c.rejectedRows, 0),
      unknown: chunks.reduce((s, c) => s + c.unknownModelRows, 0),
      // chunk boundaries differ between the paths, so problems are compared as a set; the
      // first problem (what the error message names) is compared exactly when lines failed
      problems: [...problems].sort((a, b) => a.row! - b.row! || (a.field < b.field ? -1 : a.field > b.field ? 1 : a.problem < b.problem ? -1 : 1)),
    };
  } catch (e) {
    return e instanceof AppError ? { code: e.code, message: e.message } : { thrown: String(e) };
  }
}

const validRow = fc.record({
  prediction_id: fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' }).filter((s) => /^[!-~]+$/.test(s)),
  timestamp: fc.integer({ min: 0, max: 4e12 }),
  features: fc.record({ x: fc.double({ noNaN: true, noDefaultInfinity: true }), c: fc.option(fc.constantFrom('a', 'b', 'é', '東'), { nil: null }) }),
  prediction: fc.constantFrom({ label: 'yes', confidence: 0.8 }, { probabilities: { no: 0.3, yes: 0.7 } }),
});
const line = fc.oneof(
  { weight: 8, arbitrary: validRow.map((r) => JSON.stringify(r)) },
  { weight: 1, arbitrary: validRow.map((r) => JSON.stringify({ ...r, features: { x: 'nope' } })) },
  { weight: 1, arbitrary: validRow.map((r) => JSON.stringify({ ...r, model_id: 'ghost' })) },
  { weight: 1, arbitrary: fc.constantFrom('{"broken": ', 'not json', '[1,2]', '42', 'null', '{"model_id":""}') },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t') },
);
const bodyArb = fc.record({
  lines: fc.array(line, { maxLength: 60 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  pieces: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
  chunkBytes: fc.integer({ min: 1, max: 2000 }),
  partial: fc.boolean(),
});

function bodyOf(b: { lines: string[]; crlf: boolean; bom: boolean; trailingNewline: boolean }): Buffer {
  const text = (b.bom ? '\uFEFF' : '') + b.lines.join(b.crlf ? '\r\n' : '\n') + (b.trailingNewline && b.lines.length ? '\n' : '');
  return Buffer.from(text);
}

describe('NDJSON bodies prepared in chunks, inline and on worker threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-ndjson-'));
  let pool: ParsePool;
  beforeAll(async () => {
    // a worker thread cannot load TypeScript: bundle the worker entry to JavaScript
    const outfile = join(dir, 'ndjson-worker.mjs');
    await build({ entryPoints: [new URL('./ndjson-worker.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
    pool = new ParsePool(pathToFileURL(outfile), 2);
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives what reading the stream line by line gave: rows, problems, row and line numbers, errors', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, async (b) => {
        const body = bodyOf(b);
        const options: IngestOptions = { partial: b.partial, defaultModelId: 'm' };
        const limits = { limitBytes: 1e9, chunkBytes: b.chunkBytes };
        const want = await outcome(() => reference(body, b.pieces, options, 1e9, 4 * 1024 * 1024));
        const inline = await outcome(() => prepareNdjson(streamOf(body, b.pieces), options, NOW, resolve, limits, null));
        const threaded = await outcome(() => prepareNdjson(streamOf(body, b.pieces), options, NOW, resolve, { ...limits, chunkBytes: Math.min(b.chunkBytes, 200) }, pool));
        expect(inline).toEqual(want);
        expect(threaded).toEqual(want);
      }),
      { numRuns: 150 },
    );
    expect(pool.completed).toBeGreaterThan(50);
  });

  it('numbers rows and lines across chunks in line errors', async () => {
    const good = JSON.stringify({ prediction_id: 'p', features: { x: 1 }, prediction: { label: 'no' } });
    const body = Buffer.from([good, '', good, '{oops', good, '', '', 'nope', good].join('\n'));
    const chunks = await prepareNdjson(streamOf(body, [7]), { partial: true, defaultModelId: 'm' }, NOW, resolve, { limitBytes: 1e6, chunkBytes: 30 }, pool);
    const problems = chunks.flatMap((c) => c.problems);
    expect(problems.map((p) => [p.row, p.problem.split(':')[0]])).toEqual([
      [2, 'line 4 is not valid JSON'],
      [4, 'line 8 is not valid JSON'],
    ]);
    expect(chunks.reduce((s, c) => s + (c.batches[0]?.columns.rows ?? 0), 0)).toBe(4);
  });

  it('refuses a body over the byte limit and a line over the length limit (413)', async () => {
    const row = JSON.stringify({ prediction_id: 'p', features: { x: 1 }, prediction: { label: 'no' } });
    const body = Buffer.from(`${row}\n`.repeat(50));
    for (const p of [null, pool]) {
      const big = await outcome(() => prepareNdjson(streamOf(body, [100]), { partial: false, defaultModelId: 'm' }, NOW, resolve, { limitBytes: 1000 }, p));
      expect(big).toEqual({ code: 'payload_too_large', message: 'the NDJSON body is larger than the limit of 1000 bytes' });
      const long = Buffer.from(`${row}\n${row}\n${'x'.repeat(500)}\n${row}\n`);
      const want = await outcome(() => reference(long, [64], { partial: false, defaultModelId: 'm' }, 1e6, 300));
      expect(want).toMatchObject({ code: 'payload_too_large', message: 'line 3 is longer than the limit of 300 characters' });
      expect(await outcome(() => prepareNdjson(streamOf(long, [64]), { partial: false, defaultModelId: 'm' }, NOW, resolve, { limitBytes: 1e6, maxLineChars: 300, chunkBytes: 64 }, p))).toEqual(want);
    }
  });

  it('moves column arrays from the worker without copying them back and forth twice', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ prediction_id: `p${i}`, timestamp: NOW, features: { x: i, c: 'a' }, prediction: { label: 'yes' } }));
    const chunks = await prepareNdjson(Readable.from([Buffer.from(rows.join('\n'))]), { partial: false, defaultModelId: 'm' }, NOW, resolve, { limitBytes: 1e9, chunkBytes: 16 * 1024 }, pool);
    expect(chunks.length).toBeGreaterThan(3);
    const merged = concatColumnSets(chunks.flatMap((c) => c.batches.map((b) => b.columns)));
    const x = merged.columns.get('f:x');
    expect(x?.kind === 'f64' && Array.from(x.values)).toEqual(rows.map((_, i) => i));
    expect(chunks.every((c) => c.accepted.every((a) => a.model === model))).toBe(true);
  });
});
