/**
 * K_{1/4}(x) for real x > 0 as scipy.special.kv(0.25, x) computes it: through AMOS's ZBESK →
 * ZBKNU (Amos 1986, ACM TOMS 644), the Fortran library scipy wraps. AMOS is accurate only to some
 * tens of ulps for x ≤ 2, and the far tail of the Cramér–von Mises p-value keeps those ulps
 * (cvm-distribution.ts), so its evaluation is followed operation by operation here, for the one
 * order and the real arguments scipy's `_cdf_cvm_inf` uses: Temme's series for x ≤ 2, Miller's
 * backward recurrence above. Complex arithmetic on a real argument reduces to the real operations
 * kept below (every imaginary part is an exact zero). The C library functions AMOS calls are
 * matched as glibc computes them: exp and log correctly rounded (glibc's are in all but a few
 * hundredths of a percent of cases), sinh and expm1 as fdlibm (Math.sinh, Math.expm1), cosh by
 * fdlibm's formula over those.
 */
import { expCorrect, logCorrect } from './exact-float.js';

/** ORDER = 1/4 (DNU in ZBKNU) and its square. */
const DNU = 0.25;
const DNU2 = 0.0625;
/** D1MACH(4), AMOS's TOL */
const TOL = 2.220446049250313e-16;
/** the literals of ZBKNU, as doubles */
const RTHPI = 1.2533141373155003;
const FPI = 1.8976999933151775;
/** (π/4)/sin(π/4) and |cos(π/4)| as glibc's sin and cos give them */
const FC = 1.1107207345395915;
const COS_PI_DNU = 0.7071067811865476;
/**
 * exp(−DGAMLN(1.25)) = 1/Γ(1.25) as AMOS computes it: DGAMLN, AMOS's own log-gamma, lands 13 ulps
 * above the nearest double (1.1032626513208368). Determined as the one double with which this
 * series reproduces scipy's kv(0.25, x) on 25,000 arguments in (0, 2] (the neighbouring doubles
 * miss most of them); checked by the kv_quarter grid of test/fixtures/stats/cvm-tail.json.
 */
const T2 = 1.1032626513208381;
/** 1/Γ(1 − DNU) and the two combinations of the series (ZBKNU's T1, G1, G2) */
const T1 = 1 / (T2 * FC);
const G1 = (T1 - T2) / (DNU + DNU);
const G2 = (T1 + T2) * 0.5;
/** ZBKNU's R2 = (2/3)·T1 − 6 with T1 = 52·log10(2)·3.321928094: beyond it, forward recurrence */
const R2 = 0.6666666666666666 * (52 * 0.3010299956639812 * 3.321928094) - 6;

/** cosh as glibc computes it (fdlibm's e_cosh.c) for 0 ≤ x < 22. */
export function glibcCosh(x: number): number {
  if (x < 0.34657359027997264) {
    if (x < 2 ** -55) return 1;
    const t = Math.expm1(x);
    const w = 1 + t;
    return 1 + (t * t) / (w + w);
  }
  const t = expCorrect(x);
  return 0.5 * t + 0.5 / t;
}

/** scipy.special.kv(0.25, x) for x > 0 (0 beyond 887.5, where scipy returns 0). */
export function amosK14(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : Number.NaN;
  if (x > 710 * 1.25) return 0;
  return x <= 2 ? series(x) : miller(x);
}

/** ZBKNU's series for |z| ≤ 2 (Temme), N = 1, KODE = 1. */
function series(z: number): number {
  const rcaz = 1 / z;
  const str = z * rcaz;
  const rz = (str + str) * rcaz;
  const fmu = logCorrect(rz) * DNU;
  const csh = Math.sinh(fmu);
  const cch = glibcCosh(fmu);
  const smu = csh / DNU;
  let f = FC * (cch * G1 + smu * G2);
  const e = expCorrect(fmu);
  let p = (0.5 * e) / T2;
  // ZDIV(0.5, 0, e, 0): a division by |e|, then by e again
  const bm = 1 / e;
  let q = (0.5 * (e * bm) * bm) / T1;
  let s1 = f;
  if (z < TOL) return s1;
  const cz = 0.25 * (z * z);
  const t1 = 0.25 * z * z;
  let ak = 1;
  let a1 = 1;
  let ck = 1;
  let bk = 1 - DNU2;
  do {
    f = (f * ak + p + q) / bk;
    p = p * (1 / (ak - DNU));
    q = q * (1 / (ak + DNU));
    const next = ck * cz;
    const rak = 1 / ak;
    ck = next * rak;
    s1 = ck * f + s1;
    a1 = a1 * t1 * rak;
    bk = bk + ak + ak + 1;
    ak = ak + 1;
  } while (a1 > TOL);
  return s1;
}

/** ZBKNU's Miller algorithm for |z| > 2, N = 1, KODE = 1 (backward index from |z| < R2). */
function miller(z: number): number {
  const root = Math.sqrt(z);
  const bm = 1 / root;
  let coef = RTHPI * (root * bm) * bm;
  coef = coef * expCorrect(-z);
  const fhs0 = Math.abs(0.25 - DNU2);
  let fk: number;
  if (R2 > z) {
    const a2 = Math.sqrt(z);
    let ak = (FPI * COS_PI_DNU) / (TOL * Math.sqrt(a2));
    ak = logCorrect(ak) + z / (1 + 0.008 * z);
    fk = (0.12125 * ak * ak) / z + 1.5;
  } else {
    // forward recurrence to find the backward index (ZBKNU's loop 150; ETEST ≥ 1 here)
    const etest = COS_PI_DNU / (Math.PI * z * TOL);
    let fks = 2;
    let ck = z + z + 2;
    let p1 = 0;
    let p2 = 1;
    let fhs = fhs0;
    fk = 1;
    for (let i = 1; i <= 30; i++) {
      const a = fhs / fks;
      const cb = ck / (fk + 1);
      const pt = p2;
      p2 = cb * p2 - p1 * a;
      p1 = pt;
      ck = ck + 2;
      fks = fks + fk + fk + 2;
      fhs = fhs + fk + fk;
      fk = fk + 1;
      if (etest < Math.abs(p2) * fk) break;
    }
    // T1 = |atan(0/z)| = 0: no correction term
    fk = fk + 1.909859317102744 * 0 * Math.sqrt(R2 / z);
  }
  const k = Math.trunc(Math.fround(fk));
  fk = k;
  let fks = fk * fk;
  let p1 = 0;
  let p2 = TOL;
  let cs = p2;
  for (let i = 1; i <= k; i++) {
    const a1 = fks - fk;
    const ak = (fks + fk) / (a1 + fhs0);
    const rak = 2 / (fk + 1);
    const cb = (fk + z) * rak;
    const pt = p2;
    p2 = (pt * cb - p1) * ak;
    p1 = pt;
    cs = cs + p2;
    fks = a1 - fk + 1;
    fk = fk - 1;
  }
  const tm = 1 / Math.abs(cs);
  const s1 = p2 * tm;
  return coef * s1 * (cs * tm);
}
