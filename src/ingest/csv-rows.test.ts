import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowParser, type CsvRecord, readCsvRecords } from './csv-rows.js';

function parse(text: string | string[], delimiter?: string): CsvRecord[] {
  const p = new CsvRowParser({ delimiter });
  for (const piece of Array.isArray(text) ? text : [text]) p.push(piece);
  p.end();
  return p.take();
}
const fields = (text: string | string[]) => parse(text).map((r) => r.fields);

describe('CsvRowParser', () => {
  it('reads plain records with LF, CRLF and CR line ends', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]); // no final newline
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(fields('a,,c\n,,\n\n\r\nx,y,\n')).toEqual([['a', '', 'c'], ['', '', ''], ['x', 'y', '']]);
    expect(fields('""\n')).toEqual([['']]); // a quoted empty field is a record, not a blank line
  });

  it('reads quoted fields with delimiters, escaped quotes and line breaks inside', () => {
    const text = 'id,note\r\n1,"hello, world"\r\n2,"she said ""hi"""\r\n3,"two\r\nlines\nand more"\r\n4,""\r\n';
    expect(fields(text)).toEqual([
      ['id', 'note'],
      ['1', 'hello, world'],
      ['2', 'she said "hi"'],
      ['3', 'two\r\nlines\nand more'],
      ['4', ''],
    ]);
  });

  it('gives the line each record starts on', () => {
    const recs = parse('h1,h2\n"a\nb\nc",1\n\nx,2\n"\n",3\n');
    expect(recs.map((r) => r.line)).toEqual([1, 2, 6, 7]);
  });

  it('strips a UTF-8 byte order mark and keeps other unicode', () => {
    expect(fields('\uFEFFnäme,ü\n"日本",🙂\n')).toEqual([['näme', 'ü'], ['日本', '🙂']]);
  });

  it('supports other delimiters', () => {
    expect(parse('a\tb\n"x\ty"\tz\n', '\t').map((r) => r.fields)).toEqual([['a', 'b'], ['x\ty', 'z']]);
    expect(() => new CsvRowParser({ delimiter: '"' })).toThrow(/delimiter/);
  });

  it('marks malformed records instead of guessing silently', () => {
    const recs = parse('a,b\n"x"y,1\n2,3\n');
    expect(recs[1].error).toMatch(/line 2: text after the closing quote/);
    expect(recs[2]).toEqual({ line: 3, fields: ['2', '3'] });
    const open = parse('a,b\n1,"never closed\n2,3\n');
    expect(open[1].error).toMatch(/line 2: a quoted field is not closed/);
    expect(fields('a,b"c\n')).toEqual([['a', 'b"c']]); // a stray quote mid-field is literal
  });

  it('stops on a runaway field instead of reading the whole file into memory', () => {
    const p = new CsvRowParser({ maxFieldLength: 100 });
    expect(() => p.push(`a,"${'x'.repeat(200)}`)).toThrow(/line 1: a field is longer than 100/);
  });

  it('parses whatever RFC 4180 writes, however the input is split (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '🙂', '1'), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 10 })),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, crlf, cuts) => {
          const eol = crlf ? '\r\n' : '\n';
          const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s);
          const text = rows.map((r) => r.map(quote).join(',')).join(eol) + eol;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let at = 0;
          for (const p of points) {
            pieces.push(text.slice(at, p));
            at = p;
          }
          pieces.push(text.slice(at));
          const got = parse(pieces);
          expect(got.map((r) => r.fields)).toEqual(rows);
          expect(got.every((r) => r.error === undefined)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('readCsvRecords', () => {
  it('streams bytes in chunks, splitting multi-byte characters across reads', async () => {
    const text = 'k,v\n' + Array.from({ length: 25 }, (_, i) => `${i},"é ${i}\n🙂"`).join('\n') + '\n';
    const bytes = Buffer.from(text);
    async function* source() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const chunks: CsvRecord[][] = [];
    for await (const c of readCsvRecords(source(), { chunkRecords: 10 })) chunks.push(c);
    const all = chunks.flat();
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 6]);
    expect(all).toHaveLength(26);
    expect(all[25]).toEqual({ line: 50, fields: ['24', 'é 24\n🙂'] });
  });

  it('splits one large read into chunks of the asked size', async () => {
    const text = 'a\n' + Array.from({ length: 95 }, (_, i) => `${i}`).join('\n');
    const sizes: number[] = [];
    for await (const c of readCsvRecords([text], { chunkRecords: 20 })) sizes.push(c.length);
    expect(sizes).toEqual([20, 20, 20, 20, 16]);
  });
});
