import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { NumericColumn } from './column-builders.js';
import { NOT_A_NUMBER, parseNumberText } from './number-bytes.js';
import { readColumns } from './read-columns.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-numbers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The numbers the CSV parser reads from `cells`, one per row (its fast path and its fallback). */
async function readNumbers(cells: readonly string[]): Promise<Float64Array> {
  const path = join(dir, `n${files++}.csv`);
  writeFileSync(path, `v\n${cells.join('\n')}\n`);
  const table = await readColumns(path, { columns: [{ name: 'v', type: 'numeric' }], threads: 1 });
  return (table.columns.get('v') as NumericColumn).values;
}

describe('numbers read from CSV bytes', () => {
  it('equal Number() bit for bit, signs and zeros included', async () => {
    const cells = [
      '0', '-0', '+0', '1', '-1', '+5', '12.5', '-12.5', '.5', '-.5', '5.', '0.0005', '00012.50', '-0.000',
      '114.069', '48.2317', '1e3', '1E3', '1e-3', '-2.5e+10', '1.7976931348623157e308', '5e-324', '2.2250738585072014e-308',
      '123456789012345', '1234567890123456', '1234567890123456789', '0.1', '0.3', '9007199254740993', '1e22', '1e23',
      '3.14159265358979', '0.000000000000000000001', '1.000000000000000000001', '99999999999999999999e-20',
    ];
    const got = await readNumbers(cells);
    cells.forEach((cell, i) => expect(Object.is(got[i], Number(cell)), `${cell}: ${got[i]}`).toBe(true));
  });

  it('equal Number() on random doubles written by toString, toFixed, toExponential and toPrecision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 16 }), async (xs, digits) => {
        const cells = xs.flatMap((x) => [String(x), x.toFixed(Math.min(digits, 12)), x.toExponential(digits), x.toPrecision(digits + 1)]);
        const got = await readNumbers(cells);
        cells.forEach((cell, i) => expect(Object.is(got[i], Number(cell)), `${cell}: ${got[i]}`).toBe(true));
      }),
      { numRuns: 60 },
    );
  });
});

describe('parseNumberText', () => {
  it.each(['', 'NA', 'N/A', 'null', 'NULL', 'nan', 'NaN', 'None', '#N/A'])('reads %j as missing', (s) => {
    expect(parseNumberText(s)).toBeNaN();
  });

  it('reads the infinities as pandas does', () => {
    expect(parseNumberText('inf')).toBe(Infinity);
    expect(parseNumberText('-inf')).toBe(-Infinity);
    expect(parseNumberText('+Infinity')).toBe(Infinity);
  });

  it('trims spaces and rejects what is not a decimal number', () => {
    expect(parseNumberText(' 2.5 ')).toBe(2.5);
    for (const s of ['abc', '0x10', '1,5', '1e', '--1', '12abc']) expect(parseNumberText(s)).toBe(NOT_A_NUMBER);
  });
});
