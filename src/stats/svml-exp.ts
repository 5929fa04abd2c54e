/**
 * e^x as numpy 1.24 computes `np.exp` on float64 arrays on a CPU with AVX-512 (SKX or later):
 * Intel's SVML kernel `__svml_exp8` that numpy links, which is not correctly rounded (about 15 %
 * of results differ by an ulp from the nearest double). scipy's `_cdf_cvm_inf` calls np.exp, and
 * the far tail of the Cramér–von Mises p-value keeps every such ulp (cvm-distribution.ts), so the
 * kernel is reproduced here step by step: its constants were read from numpy's
 * `_multiarray_umath` on such a machine and its fused multiply–adds are done exactly (fma from
 * exact-float.ts). On CPUs without AVX-512 numpy uses the C library's exp instead, and scipy's
 * far-tail p-values there differ accordingly.
 *
 * The kernel: N = ⌊16·x·log2(e)⌋/16 (the product unrounded, then rounded toward zero against a
 * shifter), r = x − N·ln2 in two fused steps, e^r − 1 by a degree-6 polynomial, and the result
 * T_j·(1 + p(r))·2^⌊N⌋ with T_j = 2^(j/16), j the sixteenths of N.
 */
import { fma } from './exact-float.js';

const hex = (bits: bigint): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
};

/** 2^(j/16), j = 0..15, as the kernel's table holds them. */
const TABLE = [
  0x3ff0000000000000n, 0x3ff0b5586cf9890fn, 0x3ff172b83c7d517bn, 0x3ff2387a6e756238n, 0x3ff306fe0a31b715n,
  0x3ff3dea64c123422n, 0x3ff4bfdad5362a27n, 0x3ff5ab07dd485429n, 0x3ff6a09e667f3bcdn, 0x3ff7a11473eb0187n,
  0x3ff8ace5422aa0dbn, 0x3ff9c49182a3f090n, 0x3ffae89f995ad3adn, 0x3ffc199bdd85529cn, 0x3ffd5818dcfba487n,
  0x3ffea4afa2a490dan,
].map(hex);
const LOG2E = hex(0x3ff71547652b82fen);
/** 1.5·2^48 + 1023: its ulp is 1/16, so adding it rounds x·log2(e) to sixteenths */
const SHIFTER = hex(0x42f8000000003ff0n);
const LN2_HI = hex(0x3fe62e42fefa39efn);
const LN2_LO = hex(0x3c7abc9e3b39803fn);
const C6 = hex(0x3f572eb5ef0d213dn);
const C5 = hex(0x3f81106603d97c00n);
const C4 = hex(0x3fa555564bb4f5f0n);
const C3 = hex(0x3fc5555554b508a2n);
const C2 = hex(0x3fe0000000002622n);
/** beyond this |x| the kernel hands over to a scalar path (overflow, underflow): not reproduced */
const LIMIT = hex(0x40861da04cbafe44n);

/** numpy's np.exp(x) on an AVX-512 machine; |x| below ~707.7 (else Math.exp). */
export function svmlExp(x: number): number {
  if (!(Math.abs(x) < LIMIT)) return Math.exp(x);
  const z = fma(x, LOG2E, SHIFTER, true);
  const n = z - SHIFTER;
  const sixteenths = Math.round(n * 16);
  const t = TABLE[sixteenths & 15];
  const r1 = fma(-n, LN2_HI, x);
  const r = fma(-LN2_LO, n, r1);
  const r2 = r * r;
  const r3 = r * r2;
  let a = fma(r, C6, C5);
  const b = fma(r, C4, C3);
  const c = fma(r2, C2, r);
  a = fma(r2, a, b);
  a = fma(r3, a, c);
  const result = fma(t, a, t);
  return result * 2 ** Math.floor(n);
}
