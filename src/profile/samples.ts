import { createHash } from 'node:crypto';

/**
 * Named Float64Arrays in one buffer (a baseline's frozen samples):
 * u32 headerLength, JSON header [{name, length}], padding to 8, then the arrays back to back.
 */
export function encodeSamples(samples: Map<string, Float64Array>): Buffer {
  const header = Buffer.from(JSON.stringify([...samples].map(([name, a]) => ({ name, length: a.length }))), 'utf8');
  const start = (4 + header.length + 7) & ~7;
  let size = start;
  for (const a of samples.values()) size += a.length * 8;
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(header.length, 0);
  header.copy(buf, 4);
  let at = start;
  for (const a of samples.values()) {
    Buffer.from(a.buffer, a.byteOffset, a.length * 8).copy(buf, at);
    at += a.length * 8;
  }
  return buf;
}

export function decodeSamples(input: Uint8Array): Map<string, Float64Array> {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + headerLength)) as { name: string; length: number }[];
  let at = (4 + headerLength + 7) & ~7;
  const out = new Map<string, Float64Array>();
  for (const { name, length } of header) {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset + at, length * 8).slice();
    out.set(name, new Float64Array(bytes.buffer));
    at += length * 8;
  }
  return out;
}

/** SHA-256 over a baseline's summary (canonical JSON text) and its sample bytes. */
export function contentHash(summaryJson: string, data: Uint8Array): string {
  return createHash('sha256').update(summaryJson, 'utf8').update(data).digest('hex');
}
