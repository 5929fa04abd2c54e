/**
 * Floating-point operations JavaScript lacks, done exactly: a fused multiply–add (one rounding,
 * to nearest or toward zero) and correctly rounded exp and log. They let stats/ reproduce, bit
 * for bit, numbers that scipy gets from C, Fortran and vector code (svml-exp.ts, amos-kv.ts),
 * where Math.exp and Math.log (fdlibm, within 1 ulp) round differently in a few percent of cases.
 * Slow (BigInt and double-double arithmetic): for a handful of calls per test, not per value.
 */

const view = new DataView(new ArrayBuffer(8));

/** A finite double as an integer mantissa and a power of two: x = m · 2^e. */
function split(x: number): { m: bigint; e: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  return { m: x < 0 || Object.is(x, -0) ? -m : m, e: (biased === 0 ? 1 : biased) - 1075 };
}

/** m · 2^e exactly, for |m| < 2^53. */
function scale(m: number, e: number): number {
  // two steps keep every power of two a normal double
  const half = Math.trunc(e / 2);
  return m * 2 ** half * 2 ** (e - half);
}

/** The integer m · 2^e (m any size) rounded to a double, to nearest (ties to even) or toward zero. */
export function roundScaled(m: bigint, e: number, towardZero = false): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let a = negative ? -m : m;
  const bits = a.toString(2).length;
  // keep 53 bits, or fewer where the result is subnormal
  const keep = Math.min(53, bits + e + 1074);
  let shift = bits - keep;
  if (shift > 0) {
    const dropped = a & ((1n << BigInt(shift)) - 1n);
    a >>= BigInt(shift);
    if (!towardZero) {
      const half = 1n << BigInt(shift - 1);
      if (dropped > half || (dropped === half && (a & 1n) === 1n)) a += 1n;
    }
  } else shift = 0;
  const r = scale(Number(a), e + shift);
  return negative ? -r : r;
}

/** a·b + c with one rounding (IEEE fusedMultiplyAdd), to nearest or toward zero; finite arguments. */
export function fma(a: number, b: number, c: number, towardZero = false): number {
  if (a === 0 || b === 0 || c === 0) {
    if (c === 0) {
      const p = split(a);
      const q = split(b);
      return roundScaled(p.m * q.m, p.e + q.e, towardZero);
    }
    return a * b + c;
  }
  const p = split(a);
  const q = split(b);
  const r = split(c);
  const pe = p.e + q.e;
  const e = Math.min(pe, r.e);
  const sum = ((p.m * q.m) << BigInt(pe - e)) + (r.m << BigInt(r.e - e));
  return roundScaled(sum, e, towardZero);
}

// ---------------------------------------------------------------------------------------------
// double-double arithmetic: a value is hi + lo with |lo| ≤ ulp(hi)/2

type DD = readonly [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const SPLITTER = 134217729; // 2^27 + 1

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0]);
  const [t, f] = twoSum(x[1], y[1]);
  const [s2, e2] = twoSum(s, e + t);
  return twoSum(s2, e2 + f);
}

function mul(x: DD, y: DD): DD {
  const [p, e] = twoProd(x[0], y[0]);
  return twoSum(p, e + (x[0] * y[1] + x[1] * y[0]));
}

/** x / n in double-double: the quotient's rounding error is recovered from the remainder. */
function divNumber(x: DD, n: number): DD {
  const q = x[0] / n;
  const [p, e] = twoProd(q, n);
  const r = x[0] - p - e + x[1];
  return twoSum(q, r / n);
}

/** ln 2 to about 160 bits, in three doubles. */
const LN2: readonly number[] = [0.6931471805599453, 2.3190468138462996e-17, 5.707708438416212e-34];

/** e^x as a double-double, to about 100 bits, for |x| < 700. */
function expDD(x: number): DD {
  const k = Math.round(x / LN2[0]);
  // r = x − k·ln2 with k·ln2 carried to ~160 bits, so r is good to ~100 bits
  let r: DD = twoSum(x, -k * LN2[0]);
  r = add(r, [twoProd(-k, LN2[0])[1], 0]);
  r = add(r, twoProd(-k, LN2[1]));
  r = add(r, [-k * LN2[2], 0]);
  // Taylor series by Horner's rule: |r| ≤ ln2/2, so 27 terms reach 2^-110
  let sum: DD = [1, 0];
  for (let n = 27; n >= 1; n--) sum = add([1, 0], divNumber(mul(sum, r), n));
  return [scale(sum[0], k), scale(sum[1], k)];
}

/** e^x correctly rounded (as glibc's exp nearly always is); |x| < 700. */
export function expCorrect(x: number): number {
  if (x === 0) return 1;
  const [hi, lo] = expDD(x);
  return hi + lo;
}

/** ln x correctly rounded (as glibc's log nearly always is); x > 0 and finite. */
export function logCorrect(x: number): number {
  if (x === 1) return 0;
  const y = Math.log(x);
  // one Newton step in double-double: ln x = y + ln(x·e^−y) ≈ y + (x − e^y)/e^y
  const ey = expDD(y);
  const diff = add([x, 0], [-ey[0], -ey[1]]);
  const t = (diff[0] + diff[1]) / ey[0];
  const [s, e] = twoSum(y, t);
  return s + e;
}
