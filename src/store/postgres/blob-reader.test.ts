import { describe, expect, it } from 'vitest';
import { CopyRowParser } from './blob-reader.js';

/** A binary COPY stream of (int8 id, bytea data) rows, as PostgreSQL writes it. */
function copyStream(rows: [number, Buffer][], extension = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(19);
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1').copy(header);
  header.writeUInt32BE(0, 11);
  header.writeUInt32BE(extension.length, 15);
  const parts: Buffer[] = [header, extension];
  for (const [id, data] of rows) {
    const row = Buffer.alloc(2 + 4 + 8 + 4);
    row.writeInt16BE(2, 0);
    row.writeInt32BE(8, 2);
    row.writeBigInt64BE(BigInt(id), 6);
    row.writeInt32BE(data.length, 14);
    parts.push(row, data);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

function parse(chunks: Buffer[]): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const p = new CopyRowParser((f) => out.set(Number(f[0].readBigInt64BE(0)), f[1]));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

describe('CopyRowParser', () => {
  const rows: [number, Buffer][] = [
    [1, Buffer.from('first blob')],
    [2, Buffer.alloc(0)],
    [2 ** 40 + 7, Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256))],
  ];
  const stream = copyStream(rows, Buffer.from('ext'));

  it('reads every row whole, however the stream is cut into chunks', () => {
    const want = new Map(rows);
    for (let size = 1; size <= 40; size++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      expect(parse(chunks)).toEqual(want);
    }
    for (let cut = 0; cut <= stream.length; cut++) expect(parse([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(want);
  });

  it('gives each blob a buffer of its own (aligned for the codec)', () => {
    const got = parse([stream]);
    for (const b of got.values()) {
      expect(b.byteOffset).toBe(0);
      expect(b.buffer).not.toBe(stream.buffer);
    }
  });

  it('says so when the stream stops in the middle', () => {
    const p = new CopyRowParser(() => undefined);
    p.push(stream.subarray(0, stream.length - 5));
    expect(() => p.end()).toThrow(/ended early/);
  });
});
