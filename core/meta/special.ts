/**
 * Special functions and distributions (pure, double precision).
 * Written from the standard formulas: Lanczos log-gamma, Lentz continued fractions for the
 * regularised incomplete beta and gamma functions, Acklam's normal quantile with a Halley
 * refinement, and safeguarded Newton inversion for t and chi-square quantiles.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0. */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) {
    // reflection
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e6) {
    // Stirling series
    const z = x;
    return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z * z * z);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 3e-16;
const TINY = 1e-300;

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  if (x < a + 1) return gammaSeries(a, x);
  return 1 - gammaCF(a, x);
}
/** Regularised upper incomplete gamma Q(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaCF(a, x);
}
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}
function gammaCF(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const bt = Math.exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return (bt * betaCF(x, a, b)) / a;
  return 1 - (bt * betaCF(1 - x, b, a)) / b;
}
function betaCF(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x === 0) return 1;
  return gammaQ(0.5, x * x);
}

/** Standard normal CDF. */
export function pnorm(x: number, lowerTail = true): number {
  if (Number.isNaN(x)) return NaN;
  const v = 0.5 * erfc(-x / Math.SQRT2);
  return lowerTail ? v : 0.5 * erfc(x / Math.SQRT2);
}
export function dnorm(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal quantile (Acklam's approximation refined by Halley steps). */
export function qnorm(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = (p < 0.5 ? pnorm(x) - p : -(pnorm(x, false) - (1 - p)));
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/** Student t CDF. */
export function pt(t: number, df: number, lowerTail = true): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(df)) return pnorm(t, lowerTail);
  if (!Number.isFinite(t)) return (t > 0) === lowerTail ? 1 : 0;
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(x, df / 2, 0.5); // P(T > |t|)
  const upper = t > 0 ? tail : 1 - tail;
  return lowerTail ? 1 - upper : upper;
}
export function dt(t: number, df: number): number {
  return Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student t quantile. */
export function qt(p: number, df: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (!Number.isFinite(df)) return qnorm(p);
  if (p > 0.5) return -qt(1 - p, df);
  if (p === 0.5) return 0;
  // exact for df = 1, 2
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // start from Cornish-Fisher-type expansion
  const z = qnorm(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  let x = z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
  if (!Number.isFinite(x) || x >= 0) x = z;
  // bracket: quantile is negative
  let lo = -1e8;
  let hi = 0;
  for (let i = 0; i < 200; i++) {
    const f = pt(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    if (Math.abs(f) < 1e-300) break;
    let nx = x - f / dt(x, df);
    const newton = nx > lo && nx < hi;
    if (!newton) nx = lo < -1e7 ? Math.max(2 * x - 1, (x + lo) / 2) : (lo + hi) / 2;
    // a Newton step this small leaves an error of order step² (far below pt's own rounding, ~1e-14
    // at large df): stop instead of iterating on pt's rounding noise
    if (Math.abs(nx - x) <= (newton ? 1e-11 : 1e-15) * Math.max(1, Math.abs(x))) {
      x = nx;
      break;
    }
    x = nx;
  }
  return x;
}

/** Chi-square CDF. */
export function pchisq(x: number, df: number, lowerTail = true): number {
  if (x <= 0) return lowerTail ? 0 : 1;
  return lowerTail ? gammaP(df / 2, x / 2) : gammaQ(df / 2, x / 2);
}
function dchisq(x: number, df: number): number {
  if (x <= 0) return 0;
  const k = df / 2;
  return Math.exp((k - 1) * Math.log(x) - x / 2 - k * Math.LN2 - lgamma(k));
}

/** Chi-square quantile. */
export function qchisq(p: number, df: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? 0 : p === 1 ? Infinity : NaN;
  // Wilson-Hilferty start
  const z = qnorm(p);
  const h = 2 / (9 * df);
  let x = df * Math.pow(1 - h + z * Math.sqrt(h), 3);
  if (!(x > 0)) x = Math.max(1e-8, df * 0.1);
  let lo = 0;
  let hi = Infinity;
  const upper = p > 0.5;
  for (let i = 0; i < 300; i++) {
    const f = upper ? (1 - p) - pchisq(x, df, false) : pchisq(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    const dens = dchisq(x, df);
    let nx = dens > 0 ? x - f / dens : NaN;
    if (!(nx > lo && nx < hi)) nx = Number.isFinite(hi) ? (lo + hi) / 2 : Math.max(2 * x, lo + 1);
    if (Math.abs(nx - x) <= 1e-15 * Math.max(1e-300, Math.abs(x))) {
      x = nx;
      break;
    }
    x = nx;
  }
  return x;
}

/** F distribution CDF. */
export function pf(x: number, df1: number, df2: number, lowerTail = true): number {
  if (x <= 0) return lowerTail ? 0 : 1;
  if (!Number.isFinite(x)) return lowerTail ? 1 : 0;
  const u = (df1 * x) / (df1 * x + df2);
  if (lowerTail) return betaInc(u, df1 / 2, df2 / 2);
  return betaInc(df2 / (df2 + df1 * x), df2 / 2, df1 / 2);
}

/**
 * Brent's root finder in the form of the classic "zeroin" algorithm (Brent 1973), the algorithm
 * behind R's uniroot(). Returns the root of f in [ax, bx] (f(ax), f(bx) of opposite sign).
 */
export function zeroin(f: (x: number) => number, ax: number, bx: number, tol: number, maxit = 1000, fa0?: number, fb0?: number): number {
  let a = ax;
  let b = bx;
  let fa = fa0 ?? f(a);
  let fb = fb0 ?? f(b);
  let c = a;
  let fc = fa;
  const eps = 2.220446049250313e-16;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let it = 0; it <= maxit; it++) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tolAct = 2 * eps * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qq = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1));
        q = (qq - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
