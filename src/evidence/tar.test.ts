import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TarFormatError, TarWriter, readTar, tarHeader } from './tar.js';

async function archive(files: [string, Buffer][]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const tar = new TarWriter(out);
  for (const [name, data] of files) {
    // stream in odd-sized pieces to exercise the chunking
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += 333) parts.push(data.subarray(i, i + 333));
    await tar.addStream(name, data.length, parts, Date.UTC(2026, 0, 1));
  }
  await tar.finish();
  return Buffer.concat(chunks);
}

async function unpack(bytes: Buffer, chunk = 700): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  await readTar(Readable.from(parts), (e) => {
    const got: Buffer[] = [];
    return { data: (c) => got.push(Buffer.from(c)), end: () => files.set(e.name, Buffer.concat(got)) };
  });
  return files;
}

describe('tar writer and reader', () => {
  const files: [string, Buffer][] = [
    ['bundle/manifest.json', Buffer.from('{"a":1}')],
    ['bundle/empty.txt', Buffer.alloc(0)],
    ['bundle/exact.bin', Buffer.alloc(1024, 7)],
    ['bundle/predictions.ndjson', Buffer.from('{"x":"é"}\n'.repeat(500))],
  ];

  it('round-trips files of any size, read in chunks', async () => {
    const bytes = await archive(files);
    expect(bytes.length % 512).toBe(0);
    for (const chunk of [1, 511, 700, 1 << 16]) {
      const back = await unpack(bytes, chunk);
      expect([...back.keys()]).toEqual(files.map(([n]) => n));
      for (const [name, data] of files) expect(back.get(name)!.equals(data)).toBe(true);
    }
  });

  it('writes archives the system tar reads', async () => {
    if (spawnSync('tar', ['--version']).status !== 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'dw-tar-'));
    try {
      const bytes = await archive(files);
      const list = spawnSync('tar', ['-tvf', '-'], { input: bytes });
      expect(list.status, list.stderr.toString()).toBe(0);
      expect(list.stdout.toString().trim().split('\n')).toHaveLength(4);
      const x = spawnSync('tar', ['-xf', '-', '-C', dir], { input: bytes });
      expect(x.status, x.stderr.toString()).toBe(0);
      expect(readFileSync(join(dir, 'bundle/predictions.ndjson')).equals(files[3][1])).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses damaged or truncated archives and announced sizes that do not match', async () => {
    const bytes = await archive(files);
    const damaged = Buffer.from(bytes);
    damaged[130] ^= 1; // a digit of the first header's size
    await expect(unpack(damaged)).rejects.toBeInstanceOf(TarFormatError);
    await expect(unpack(bytes.subarray(0, 1536))).rejects.toThrow(/ends in the middle|truncated/);
    await expect(unpack(bytes.subarray(0, bytes.length - 1024))).rejects.toThrow(/truncated/);
    const tar = new TarWriter(new PassThrough().resume());
    await expect(tar.addStream('x', 3, [Buffer.from('four')], 0)).rejects.toThrow(/longer than the 3 bytes/);
    expect(() => tarHeader('n'.repeat(101), 1, 0)).toThrow(/100 bytes/);
  });
});
