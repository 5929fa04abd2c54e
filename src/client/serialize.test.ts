import { describe, expect, it } from 'vitest';
import { ADD_ID, ADD_TIME, OUTCOME, RowQueue } from './row-queue.js';
import { newRowShapes, recycle, serializeBatch, serializeRow, splitPart } from './serialize.js';

describe('serializeRow', () => {
  it('appends the generated id and the log time, overriding explicit nulls', () => {
    const line = serializeRow({ prediction_id: null, timestamp: null, features: { a: 1 } }, 'gen-1', ADD_ID | ADD_TIME, 1234);
    expect(JSON.parse(line)).toEqual({ prediction_id: 'gen-1', timestamp: 1234, features: { a: 1 } });
    expect(JSON.parse(serializeRow({}, 'x"y', ADD_ID, 0))).toEqual({ prediction_id: 'x"y' });
    expect(JSON.parse(serializeRow({}, 'x', ADD_TIME, 5))).toEqual({ timestamp: 5 });
    expect(serializeRow({ a: 1 }, 'ignored', 0, 0)).toBe('{"a":1}');
  });

  it('refuses what is not a JSON object', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeRow(cyclic, 'x', 0, 0)).toThrow(TypeError);
    expect(() => serializeRow({ n: 1n }, 'x', 0, 0)).toThrow(TypeError);
    expect(() => serializeRow({ toJSON: () => 'text' }, 'x', 0, 0)).toThrow(/plain object/);
  });
});

describe('serializeBatch', () => {
  it('splits predictions from outcomes, keeps line order and reports rows it cannot serialise', async () => {
    const q = new RowQueue(2000);
    const bad: Record<string, unknown> = {};
    bad.self = bad;
    for (let i = 0; i < 1000; i++) {
      if (i === 500) q.push(bad, 'bad', 0, 0);
      else if (i % 10 === 0) q.push({ actual: 'yes', prediction_id: `p${i}` }, `p${i}`, OUTCOME, i);
      else q.push({ features: { i } }, `p${i}`, ADD_ID, i);
    }
    let turns = 0;
    const counter = setInterval(() => turns++, 0);
    const s = await serializeBatch(q.take(1000), 64);
    clearInterval(counter);
    expect(s.unserializable).toEqual([{ kind: 'prediction', prediction_id: 'bad', reason: expect.stringMatching(/circular/i) }]);
    const predictions = s.predictions!.body.toString().trimEnd().split('\n').map((l) => JSON.parse(l) as { prediction_id: string; features: { i: number } });
    expect(predictions).toHaveLength(900);
    expect(predictions.map((p) => p.prediction_id)).toEqual(s.predictions!.ids);
    expect(predictions.every((p) => p.prediction_id === `p${p.features.i}`)).toBe(true);
    expect(s.outcomes!.ids).toHaveLength(99) // i = 500 was the bad row;
    expect(s.outcomes!.body.toString().endsWith('\n')).toBe(true);
    expect(turns).toBeGreaterThan(0); // it let the loop run between chunks
  });

  it('leaves out an empty part', async () => {
    const q = new RowQueue(2);
    q.push({ a: 1 }, 'a', 0, 0);
    const s = await serializeBatch(q.take(2), 10);
    expect(s.outcomes).toBeUndefined();
    expect(s.predictions!.body.toString()).toBe('{"a":1}\n');
    expect(s.predictions).toMatchObject({ ids: ['a'], offsets: [0, 8] });
  });

  it('writes multi-byte text and grows past its first buffer; lines match serializeRow; splits at line offsets', async () => {
    const q = new RowQueue(5000);
    for (let i = 0; i < 100; i++) q.push({}, 'e', 0, 0);
    await serializeBatch(q.take(100), 500); // tiny rows: the next buffer starts small and must grow
    const rows = Array.from({ length: 3000 }, (_, i) => ({ features: { city: i % 2 ? 'Zürich 🚀' : 'x'.repeat(i % 50), i }, prediction: { label: '日本' } }));
    rows.forEach((r, i) => q.push(r, `id-${i}`, i % 3 === 0 ? ADD_ID | ADD_TIME : i % 3 === 1 ? ADD_TIME : 0, 1000 + i));
    q.push({}, 'empty', ADD_ID | ADD_TIME, 7);
    const part = (await serializeBatch(q.take(5000), 500)).predictions!;
    expect(part.body.length).toBeGreaterThan(64 * 1024);
    const lines = part.body.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([...rows.map((r, i) => serializeRow(r, `id-${i}`, i % 3 === 0 ? ADD_ID | ADD_TIME : i % 3 === 1 ? ADD_TIME : 0, 1000 + i)), '{"prediction_id":"empty","timestamp":7}']);
    expect(part.offsets).toHaveLength(part.ids.length + 1);
    const [a, b] = splitPart(part);
    expect(a.ids).toHaveLength(1501);
    expect(Buffer.concat([a.body, b.body]).equals(part.body)).toBe(true);
    for (const half of [a, b]) {
      const text = half.body.toString('utf8').trimEnd().split('\n');
      expect(text).toHaveLength(half.ids.length);
      expect(half.offsets[half.ids.length]).toBe(half.body.length);
      expect(half.body.subarray(half.offsets[1], half.offsets[2]).toString()).toBe(`${text[1]}\n`);
    }
  });

  it('writes the next batch into the buffer of a settled one (large buffers only), sized from the last batch', async () => {
    const shapes = newRowShapes();
    const q = new RowQueue(1000);
    const batch = (n: number, tag: string) => {
      for (let i = 0; i < n; i++) q.push({ features: { tag, i, text: 'x'.repeat(400) } }, `${tag}${i}`, 0, 0);
      return q.take(n);
    };
    const a = await serializeBatch(batch(300, 'a'), 64, shapes);
    expect(shapes.bytesPerRow).toBeGreaterThan(400);
    const first = a.predictions!.body.buffer;
    recycle(shapes, a);
    const b = await serializeBatch(batch(300, 'b'), 64, shapes);
    expect(b.predictions!.body.buffer).toBe(first); // no allocation
    expect(b.predictions!.body.toString().split('\n')[299]).toBe(JSON.stringify({ features: { tag: 'b', i: 299, text: 'x'.repeat(400) } }));
    // not recycled: a second batch in flight gets its own buffer
    const c = await serializeBatch(batch(300, 'c'), 64, shapes);
    expect(c.predictions!.body.buffer).not.toBe(first);
    // a small body may share Node's buffer pool with other buffers: never kept
    const tiny = await serializeBatch(batch(1, 't'), 64, newRowShapes());
    const spare = newRowShapes();
    recycle(spare, tiny);
    expect(spare.spare).toHaveLength(0);
  });

  it('writes rows of raw floats (left to JSON.stringify for a while) and rows of short decimals alike, line for line', async () => {
    const q = new RowQueue(3000);
    const rows: object[] = [];
    for (let i = 0; i < 3000; i++) {
      const raw = Math.floor(i / 500) % 2 === 0; // runs of 500 raw-float rows, then 500 short-decimal rows
      const features: Record<string, number> = {};
      for (let j = 0; j < 10; j++) features[`f${j}`] = raw ? Math.sin(i * 10 + j) : Math.round(Math.sin(i * 10 + j) * 1000) / 1000;
      rows.push({ features, prediction: { label: 'a', score: raw ? Math.cos(i) : i / 8 } });
      q.push(rows[i], `id-${i}`, ADD_TIME, 1000 + i);
    }
    const part = (await serializeBatch(q.take(3000), 3000)).predictions!;
    const lines = part.body.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(rows.map((r, i) => serializeRow(r, `id-${i}`, ADD_TIME, 1000 + i)));
  });
});
