/**
 * What numeric cells may hold, and the slow path of reading them. The CSV parser
 * (chunk-parser.ts) reads numbers straight from the bytes, so a numeric cell never becomes a
 * JS string on the common path. That fast path is exact: a mantissa of at most 15 significant
 * digits is an exact double, 10^k for |k| <= 22 is an exact double, and one IEEE multiply or
 * divide of two exact operands is correctly rounded, so the result equals Number(text)
 * (Clinger's fast path). Anything else comes here, as text.
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
