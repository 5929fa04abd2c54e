import { isAscii } from 'node:buffer';
import type { Column, ColumnSet } from './columns.js';

/**
 * Binary encoding of a column set. Layout (little endian):
 *   "DWB1" u32 rows u32 columnCount
 *   per column: u8 kind, u16 nameLength, name (utf8), padding to 8, payload
 *   f64:  rows × f64
 *   dict: u32 dictCount, u32 dictBytes, (dictCount+1) × u32 offsets, utf8 bytes, pad 4, rows × i32 codes
 *   str:  u32 bytes, (rows+1) × i32 offsets (a null value has offset[i+1] = -1 - offset[i]... see below), utf8 bytes
 * Numbers are 8-byte aligned relative to the blob start, so a blob that sits aligned in memory
 * decodes to views without copying.
 */
const MAGIC = 0x31425744; // "DWB1"
const KIND_F64 = 1;
const KIND_DICT = 2;
const KIND_STR = 3;

const pad = (n: number, to: number) => (n + to - 1) & ~(to - 1);

interface Planned {
  name: Buffer;
  col: Column;
  strBytes?: Buffer[];
  size: number;
}

function planColumn(name: string, col: Column, rows: number): Planned {
  const nameBuf = Buffer.from(name, 'utf8');
  let size = 0;
  let strBytes: Buffer[] | undefined;
  if (col.kind === 'f64') size = rows * 8;
  else if (col.kind === 'dict') {
    strBytes = col.dict.map((s) => Buffer.from(s, 'utf8'));
    const bytes = strBytes.reduce((s, b) => s + b.length, 0);
    size = 8 + (col.dict.length + 1) * 4 + pad(bytes, 4) + rows * 4;
  } else {
    strBytes = col.values.map((s) => (s === null ? EMPTY : Buffer.from(s, 'utf8')));
    const bytes = strBytes.reduce((s, b) => s + b.length, 0);
    size = 4 + (rows + 1) * 4 + Math.ceil(rows / 8) + bytes;
  }
  return { name: nameBuf, col, strBytes, size };
}
const EMPTY = Buffer.alloc(0);

/** Encode a column set into one buffer; `alloc` must return zero-filled memory of that size. */
export function encodeColumns(set: ColumnSet, alloc: (bytes: number) => Buffer = Buffer.alloc): Buffer {
  const rows = set.rows;
  const planned = [...set.columns].map(([n, c]) => planColumn(n, c, rows));
  let total = 12;
  for (const p of planned) total = pad(total + 3 + p.name.length, 8) + p.size;
  const buf = alloc(total);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(rows, 4);
  buf.writeUInt32LE(planned.length, 8);
  let at = 12;
  for (const p of planned) {
    const kind = p.col.kind === 'f64' ? KIND_F64 : p.col.kind === 'dict' ? KIND_DICT : KIND_STR;
    buf.writeUInt8(kind, at);
    buf.writeUInt16LE(p.name.length, at + 1);
    p.name.copy(buf, at + 3);
    at = pad(at + 3 + p.name.length, 8);
    const col = p.col;
    if (col.kind === 'f64') {
      Buffer.from(col.values.buffer, col.values.byteOffset, rows * 8).copy(buf, at);
      at += rows * 8;
    } else if (col.kind === 'dict') {
      const strs = p.strBytes!;
      buf.writeUInt32LE(strs.length, at);
      let bytes = 0;
      for (const s of strs) bytes += s.length;
      buf.writeUInt32LE(bytes, at + 4);
      let off = at + 8;
      let pos = 0;
      for (const s of strs) {
        buf.writeUInt32LE(pos, off);
        off += 4;
        pos += s.length;
      }
      buf.writeUInt32LE(pos, off);
      off += 4;
      for (const s of strs) {
        s.copy(buf, off);
        off += s.length;
      }
      off = at + 8 + (strs.length + 1) * 4 + pad(bytes, 4);
      Buffer.from(col.codes.buffer, col.codes.byteOffset, rows * 4).copy(buf, off);
      at = off + rows * 4;
    } else {
      const strs = p.strBytes!;
      let bytes = 0;
      for (const s of strs) bytes += s.length;
      buf.writeUInt32LE(bytes, at);
      let off = at + 4;
      let pos = 0;
      for (const s of strs) {
        buf.writeUInt32LE(pos, off);
        off += 4;
        pos += s.length;
      }
      buf.writeUInt32LE(pos, off);
      off += 4;
      // null bitmap: bit set = null
      for (let i = 0; i < rows; i++) if (col.values[i] === null) buf[off + (i >> 3)] |= 1 << (i & 7);
      off += Math.ceil(rows / 8);
      for (const s of strs) {
        s.copy(buf, off);
        off += s.length;
      }
      at = off;
    }
  }
  return buf;
}

/**
 * Decode a block. `only`, when given, limits decoding to those column names (others are skipped
 * without being read), which is how the analyzer avoids touching ids and metadata. With `views`,
 * numeric columns and dictionary codes are views into `input` where its alignment allows (no
 * copy; they keep the whole blob alive and see changes to it), for readers that copy each block
 * away at once.
 */
export function decodeColumns(input: Uint8Array, only?: ReadonlySet<string>, views = false): ColumnSet {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a driftwatch column block');
  const rows = buf.readUInt32LE(4);
  const count = buf.readUInt32LE(8);
  const aligned = buf.byteOffset % 8 === 0;
  const columns = new Map<string, Column>();
  let at = 12;
  for (let c = 0; c < count; c++) {
    const kind = buf.readUInt8(at);
    const nameLen = buf.readUInt16LE(at + 1);
    const name = buf.toString('utf8', at + 3, at + 3 + nameLen);
    at = pad(at + 3 + nameLen, 8);
    const want = !only || only.has(name);
    if (kind === KIND_F64) {
      if (want) {
        const values = aligned
          ? views
            ? new Float64Array(buf.buffer, buf.byteOffset + at, rows)
            : new Float64Array(buf.buffer, buf.byteOffset + at, rows).slice()
          : new Float64Array(new Uint8Array(buf.buffer, buf.byteOffset + at, rows * 8).slice().buffer);
        columns.set(name, { kind: 'f64', values });
      }
      at += rows * 8;
    } else if (kind === KIND_DICT) {
      const dictCount = buf.readUInt32LE(at);
      const bytes = buf.readUInt32LE(at + 4);
      const offsStart = at + 8;
      const strStart = offsStart + (dictCount + 1) * 4;
      const codesStart = strStart + pad(bytes, 4);
      if (want) {
        const dict = new Array<string>(dictCount);
        for (let d = 0; d < dictCount; d++) {
          dict[d] = buf.toString('utf8', strStart + buf.readUInt32LE(offsStart + d * 4), strStart + buf.readUInt32LE(offsStart + d * 4 + 4));
        }
        const codes =
          views && aligned
            ? new Int32Array(buf.buffer, buf.byteOffset + codesStart, rows)
            : new Int32Array(new Uint8Array(buf.buffer, buf.byteOffset + codesStart, rows * 4).slice().buffer);
        columns.set(name, { kind: 'dict', dict, codes });
      }
      at = codesStart + rows * 4;
    } else if (kind === KIND_STR) {
      const bytes = buf.readUInt32LE(at);
      const offsStart = at + 4;
      const nullStart = offsStart + (rows + 1) * 4;
      const strStart = nullStart + Math.ceil(rows / 8);
      if (want) {
        const values = new Array<string | null>(rows);
        // ASCII (ids usually are): one string for all of them, each value a cheap substring of it
        const ascii = isAscii(buf.subarray(strStart, strStart + bytes));
        const all = ascii ? buf.toString('latin1', strStart, strStart + bytes) : '';
        for (let i = 0; i < rows; i++) {
          if (buf[nullStart + (i >> 3)] & (1 << (i & 7))) {
            values[i] = null;
            continue;
          }
          const from = buf.readUInt32LE(offsStart + i * 4);
          const to = buf.readUInt32LE(offsStart + i * 4 + 4);
          values[i] = ascii ? all.slice(from, to) : buf.toString('utf8', strStart + from, strStart + to);
        }
        columns.set(name, { kind: 'str', values });
      }
      at = strStart + bytes;
    } else {
      throw new Error(`unknown column kind ${kind} in block`);
    }
  }
  return { rows, columns };
}
