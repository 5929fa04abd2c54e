import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CategoricalColumn, NumericColumn } from './column-builders.js';
import { readColumns } from './read-columns.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (content: string | Buffer, ext = 'csv'): string => {
  const path = join(dir, `f${files++}.${ext}`);
  writeFileSync(path, content);
  return path;
};

const num = (name: string) => ({ name, type: 'numeric' as const });
const cat = (name: string) => ({ name, type: 'categorical' as const });
const values = (t: Awaited<ReturnType<typeof readColumns>>, name: string): number[] =>
  Array.from((t.columns.get(name) as NumericColumn).values);
const labels = (t: Awaited<ReturnType<typeof readColumns>>, name: string): (string | null)[] => {
  const c = t.columns.get(name) as CategoricalColumn;
  return Array.from(c.codes, (code) => (code < 0 ? null : c.dictionary[code]));
};

describe('readColumns (CSV)', () => {
  it('counts the non-finite values it writes per numeric column (the report skips compacting columns with none)', async () => {
    const t = await readColumns(file('a,b,c\n1,,x\n,2,x\nNA,3,x\ninf,4e2,x\n1e400,"5",x\n"",-0,x\n'), { columns: [num('a'), num('b'), cat('c')] });
    expect(values(t, 'a')).toEqual([1, NaN, NaN, Infinity, Infinity, NaN]);
    expect((t.columns.get('a') as NumericColumn).nonFinite).toBe(5);
    expect((t.columns.get('b') as NumericColumn).nonFinite).toBe(1);
    expect(values(t, 'b').slice(1)).toEqual([2, 3, 400, 5, -0]);
  });

  it('reads numeric and categorical columns, skipping the others', async () => {
    const t = await readColumns(file('a,b,c\n1,x,skip\n2.5,y,skip\n-3,x,skip\n'), { columns: [num('a'), cat('b')] });
    expect(t.rowCount).toBe(3);
    expect(values(t, 'a')).toEqual([1, 2.5, -3]);
    expect(labels(t, 'b')).toEqual(['x', 'y', 'x']);
    expect(t.columns.has('c')).toBe(false);
  });

  it('handles RFC 4180 quoting: delimiters, escaped quotes and line breaks inside quotes', async () => {
    const csv = 'name,v\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\n"",4\n"5.5",5\n';
    const t = await readColumns(file(csv), { columns: [cat('name'), num('v')] });
    expect(labels(t, 'name')).toEqual(['a,b', 'say "hi"', 'two\nlines', null, '5.5']);
    expect(values(t, 'v')).toEqual([1, 2, 3, 4, 5]);
    const q = await readColumns(file('v\n"1.25"\n" 7 "\n'), { columns: [num('v')] });
    expect(values(q, 'v')).toEqual([1.25, 7]);
  });

  it('accepts CRLF line ends, a BOM, blank lines and a last line without a line end', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x,y\r\n1,a\r\n\r\n2,b\r\n3,c')]);
    const t = await readColumns(file(csv), { columns: [num('x'), cat('y')] });
    expect(values(t, 'x')).toEqual([1, 2, 3]);
    expect(labels(t, 'y')).toEqual(['a', 'b', 'c']);
  });

  it('reads empty cells and NA markers as missing', async () => {
    const csv = 'x,y\n,\nNA,NA\nnull,null\nnan,b\n1,\n';
    const t = await readColumns(file(csv), { columns: [num('x'), cat('y')] });
    expect(values(t, 'x').map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(['NaN', 'NaN', 'NaN', 'NaN', 1]);
    expect(labels(t, 'y')).toEqual([null, null, null, 'b', null]);
    expect((t.columns.get('y') as CategoricalColumn).dictionary).toEqual(['b']);
  });

  it('reads numbers as Number() does: exponents, signs, leading dots, infinities', async () => {
    const cells = ['1e3', '-2.5E-3', '+7', '.5', '-.25', '0.000', 'inf', '-inf', '1234567890123456789', '  4.5', '6 '];
    const t = await readColumns(file(`v\n${cells.join('\n')}\n`), { columns: [num('v')] });
    expect(values(t, 'v')).toEqual([1000, -0.0025, 7, 0.5, -0.25, 0, Infinity, -Infinity, 1234567890123456789, 4.5, 6]);
  });

  it('reads any double written by toString exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }), async (xs) => {
        const t = await readColumns(file(`v,w\n${xs.map((x) => `${x},${x.toFixed(3)}`).join('\n')}\n`), { columns: [num('v'), num('w')] });
        expect(values(t, 'v').every((v, i) => Object.is(v, xs[i]) || (v === 0 && xs[i] === 0))).toBe(true);
        expect(values(t, 'w')).toEqual(xs.map((x) => Number(x.toFixed(3))));
      }),
      { numRuns: 40 },
    );
  });

  it('names the file, line and column of a cell that is not a number', async () => {
    const path = file('a,b\n1,2\n3,oops\n');
    await expect(readColumns(path, { columns: [num('a'), num('b')] })).rejects.toThrow(/f\d+\.csv, line 3: column 'b': "oops" is not a number/);
  });

  it('names the line of a row with the wrong number of fields', async () => {
    await expect(readColumns(file('a,b\n1,2\n3\n4,5\n'), { columns: [num('a')] })).rejects.toThrow(/line 3: the row has 1 field where the header has 2/);
    await expect(readColumns(file('a,b\n1,2,3\n'), { columns: [num('a')] })).rejects.toThrow(/line 2: the row has 3 fields/);
  });

  it('reports a missing column, an unclosed quote and an empty file', async () => {
    await expect(readColumns(file('a,b\n1,2\n'), { columns: [num('zz')] })).rejects.toThrow(/field 'zz': the header has no column 'zz'/);
    await expect(readColumns(file('a\n"open\n1\n'), { columns: [cat('a')] })).rejects.toThrow(/line 2: a quoted field is not closed/);
    await expect(readColumns(file(''), { columns: [num('a')] })).rejects.toThrow(/the file is empty/);
    await expect(readColumns(join(dir, 'nope.csv'), { columns: [num('a')] })).rejects.toThrow(/nope\.csv: cannot read the file/);
  });

  it('keeps a header with no rows as zero rows', async () => {
    const t = await readColumns(file('a,b\n'), { columns: [num('a'), cat('b')] });
    expect(t.rowCount).toBe(0);
    expect(values(t, 'a')).toEqual([]);
  });
});

describe('readColumns (NDJSON)', () => {
  it('reads objects per line; null and absent keys are missing', async () => {
    const path = file('{"x": 1, "y": "a"}\n{"x": null, "y": 2}\n\n{"y": true}\r\n{"x": "3.5", "y": null}', 'ndjson');
    const t = await readColumns(path, { columns: [num('x'), cat('y')] });
    expect(t.rowCount).toBe(4);
    expect(values(t, 'x').map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([1, 'NaN', 'NaN', 3.5]);
    expect(labels(t, 'y')).toEqual(['a', '2', 'true', null]);
  });

  it('names the line of invalid JSON and of a value that is not a number', async () => {
    await expect(readColumns(file('{"x": 1}\n{"x": \n', 'jsonl'), { columns: [num('x')] })).rejects.toThrow(/line 2: not valid JSON/);
    await expect(readColumns(file('{"x": 1}\n{"x": "abc"}\n', 'ndjson'), { columns: [num('x')] })).rejects.toThrow(
      /line 2: field 'x': "abc" is not a number/,
    );
    await expect(readColumns(file('[1]\n', 'ndjson'), { columns: [num('x')] })).rejects.toThrow(/line 1: each line must be a JSON object/);
  });
});
