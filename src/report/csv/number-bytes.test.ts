import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_A_NUMBER, parseNumberBytes, parseNumberText } from './number-bytes.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
/** What the CSV reader stores for a cell: the fast path, else the text path. */
const read = (s: string): number | typeof NOT_A_NUMBER => parseNumberBytes(bytes(s), 0, s.length) ?? parseNumberText(s);

describe('parseNumberBytes', () => {
  it.each([
    '0', '-0', '+0', '1', '-1', '+5', '12.5', '-12.5', '.5', '-.5', '5.', '0.0005', '00012.50',
    '114.069', '48.2317', '1e3', '1E3', '1e-3', '-2.5e+10', '1.7976931348623157e308', '5e-324',
    '123456789012345', '1234567890123456789', '0.1', '0.3', '9007199254740993', '1e22', '1e23', '3.14159265358979',
  ])('reads %s exactly as Number() does', (s) => {
    expect(Object.is(read(s), Number(s))).toBe(true);
  });

  it('declines what it cannot read exactly, so the caller falls back to Number()', () => {
    expect(parseNumberBytes(bytes('1234567890123456789'), 0, 19)).toBeUndefined();
    expect(parseNumberBytes(bytes('1e400'), 0, 5)).toBeUndefined();
    expect(parseNumberBytes(bytes('1e'), 0, 2)).toBeUndefined();
    expect(parseNumberBytes(bytes('abc'), 0, 3)).toBeUndefined();
    expect(parseNumberBytes(bytes('-'), 0, 1)).toBeUndefined();
  });

  it('reads an empty cell as missing', () => {
    expect(parseNumberBytes(bytes(''), 0, 0)).toBeNaN();
  });

  it('agrees with Number() on random doubles written the usual ways', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 12 }), (x, digits) => {
        for (const s of [String(x), x.toFixed(digits), x.toExponential(digits), x.toPrecision(digits + 1)]) {
          expect(Object.is(read(s), Number(s))).toBe(true);
        }
      }),
      { numRuns: 2000 },
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
