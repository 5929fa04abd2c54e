/**
 * Numbers and missing markers read straight from bytes, so a numeric cell never becomes a JS
 * string on the common path. The fast path is exact: a mantissa of at most 15 significant
 * digits is an exact double, 10^k for |k| <= 22 is an exact double, and one IEEE multiply or
 * divide of two exact operands is correctly rounded, so the result equals Number(text)
 * (Clinger's fast path). Anything else falls back to Number() on the cell's text.
 */

/** 10^k for k = 0..22, all exact doubles. */
export const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10[k] = p;

/** Cell texts read as missing (NaN) in numeric columns and as missing in categorical ones. */
export const MISSING_TOKENS: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  '#N/A',
  'NULL',
  'null',
  'NaN',
  'nan',
  '-nan',
  '-NaN',
  'None',
  '<NA>',
]);

const INFINITIES: ReadonlyMap<string, number> = new Map([
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['Inf', Infinity],
  ['+Inf', Infinity],
  ['-Inf', -Infinity],
  ['INF', Infinity],
  ['-INF', -Infinity],
  ['Infinity', Infinity],
  ['+Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

/** Returned by {@link parseNumberText} for a cell that is neither a number nor a missing marker. */
export const NOT_A_NUMBER = Symbol('not a number');

/**
 * Reads a numeric cell's text: missing markers → NaN, `inf`/`Infinity` (any sign) → ±Infinity
 * (as pandas reads them), otherwise Number() of the trimmed text, which must be a decimal number.
 */
export function parseNumberText(text: string): number | typeof NOT_A_NUMBER {
  const t = text.trim();
  if (MISSING_TOKENS.has(t)) return NaN;
  const inf = INFINITIES.get(t);
  if (inf !== undefined) return inf;
  // Number() also accepts hex, binary and 'Infinity' spellings handled above; CSV numbers are decimal.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NOT_A_NUMBER;
  return Number(t);
}

/**
 * Parses the decimal number in buf[start, end). Returns the value, or undefined when the text
 * is not a plain decimal the fast path can read exactly (the caller then uses
 * {@link parseNumberText}). An empty range is missing (NaN).
 */
export function parseNumberBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (start === end) return NaN;
  let p = start;
  let c = buf[p];
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    if (++p === end) return undefined;
    c = buf[p];
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (p < end && c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) {
      mantissa = mantissa * 10 + (c - 48);
      significant++;
    }
    digits++;
    c = buf[++p];
  }
  if (p < end && c === 46 /* . */) {
    c = buf[++p];
    while (p < end && c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) {
        mantissa = mantissa * 10 + (c - 48);
        significant++;
      }
      digits++;
      scale++;
      c = buf[++p];
    }
  }
  if (digits === 0 || significant > 15) return undefined;
  let exponent = 0;
  if (p < end && (c === 101 || c === 69) /* e E */) {
    c = buf[++p];
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = buf[++p];
    }
    let expDigits = 0;
    while (p < end && c >= 48 && c <= 57) {
      if (exponent < 10000) exponent = exponent * 10 + (c - 48);
      expDigits++;
      c = buf[++p];
    }
    if (expDigits === 0) return undefined;
    if (expNegative) exponent = -exponent;
  }
  if (p !== end) return undefined;
  const k = exponent - scale;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (k === 0) value = mantissa;
  else if (k < 0 && k >= -22) value = mantissa / POW10[-k];
  else if (k > 0 && k <= 22) value = mantissa * POW10[k];
  else return undefined;
  return negative ? -value : value;
}
