import { f as fmt, a as fmtCi } from './format_BwMHeXA6.mjs';
import { p as pad, s as svgOpen, y as yAxis, c, x as xAxis, a as legend, b as scale, W as WIDE, N as NARROW, t as text, f as fit, d as subgroupChart, e as forestChart, g as tableCsv, I as INLINE_ROWS } from './subgroup_JJNoFsxV.mjs';
import { C as CHART_CSS } from './style_DlnJCiwz.mjs';

const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099,
  676.5203681218851,
  -1259.1392167224028,
  771.3234287776531,
  -176.6150291621406,
  12.507343278686905,
  -0.13857109526572012,
  9984369578019572e-21,
  15056327351493116e-23
];
function lgamma(x) {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x > 1e6) {
    const z2 = x;
    return (z2 - 0.5) * Math.log(z2) - z2 + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z2) - 1 / (360 * z2 * z2 * z2);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
const EPS = 3e-16;
const TINY = 1e-300;
function gammaQ(a, x) {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaCF(a, x);
}
function gammaSeries(a, x) {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 1e4; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}
function gammaCF(a, x) {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1e4; i++) {
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
function betaInc(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const bt = Math.exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return bt * betaCF(x, a, b) / a;
  return 1 - bt * betaCF(1 - x, b, a) / b;
}
function betaCF(x, a, b) {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - qab * x / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 1e4; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
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
function erfc(x) {
  if (x < 0) return 2 - erfc(-x);
  if (x === 0) return 1;
  return gammaQ(0.5, x * x);
}
function pnorm(x, lowerTail = true) {
  if (Number.isNaN(x)) return NaN;
  const v = 0.5 * erfc(-x / Math.SQRT2);
  return lowerTail ? v : 0.5 * erfc(x / Math.SQRT2);
}
function qnorm(p) {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = p < 0.5 ? pnorm(x) - p : -(pnorm(x, false) - (1 - p));
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
    x = x - u / (1 + x * u / 2);
  }
  return x;
}
function pt(t, df, lowerTail = true) {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(df)) return pnorm(t, lowerTail);
  if (!Number.isFinite(t)) return t > 0 === lowerTail ? 1 : 0;
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(x, df / 2, 0.5);
  const upper = t > 0 ? tail : 1 - tail;
  return lowerTail ? 1 - upper : upper;
}
function dt(t, df) {
  return Math.exp(lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI) - (df + 1) / 2 * Math.log1p(t * t / df));
}
function qt(p, df) {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (!Number.isFinite(df)) return qnorm(p);
  if (p > 0.5) return -qt(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = qnorm(p);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  let x = z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
  if (!Number.isFinite(x) || x >= 0) x = z;
  let lo = -1e8;
  let hi = 0;
  for (let i = 0; i < 200; i++) {
    const f = pt(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    if (Math.abs(f) < 1e-300) break;
    let nx = x - f / dt(x, df);
    if (!(nx > lo && nx < hi)) nx = lo < -1e7 ? Math.max(2 * x - 1, (x + lo) / 2) : (lo + hi) / 2;
    if (Math.abs(nx - x) <= 1e-15 * Math.max(1, Math.abs(x))) {
      x = nx;
      break;
    }
    x = nx;
  }
  return x;
}

function bandCritical(ci, df) {
  return ci === "knha" && df ? qt(0.975, df) : qnorm(0.975);
}
function fittedBand(coef, vcov, crit, x) {
  const fit = coef[0] + coef[1] * x;
  const se = Math.sqrt(Math.max(0, vcov[0][0] + 2 * x * vcov[0][1] + x * x * vcov[1][1]));
  return { fit, lower: fit - crit * se, upper: fit + crit * se };
}
function bubbleChart(o, ci, moderatorLabel) {
  const mr = o.result?.metaRegression;
  if (!mr || mr.moderators.length !== 1 || mr.coefficients.length !== 2 || mr.error) return null;
  const [b0, b1] = mr.coefficients;
  if (b0.estimate === null || b1.estimate === null) return null;
  const mod = mr.moderators[0];
  const modLabel = moderatorLabel ?? mod;
  const pts = o.studies.filter((s) => typeof s.moderators[mod] === "number").map((s) => ({ label: s.label, x: s.moderators[mod], yi: s.yi, w: s.weight ?? 0 }));
  if (pts.length < 3) return null;
  const id = `metareg-${o.id}`;
  const [xlo, xhi] = pad(Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x)), 0.05, 1);
  const fit = (v) => b0.estimate + b1.estimate * v;
  const V = mr.vcov && mr.vcov.length === 2 ? mr.vcov : null;
  const q = bandCritical(ci, mr.qmDf2);
  const band = (v) => V ? fittedBand([b0.estimate, b1.estimate], V, q, v).upper - fit(v) : 0;
  const grid = Array.from({ length: 41 }, (_, i) => xlo + (xhi - xlo) * i / 40);
  const ys = [...pts.map((p) => p.yi), ...grid.map((g) => fit(g) + band(g)), ...grid.map((g) => fit(g) - band(g)), 0];
  const [ylo, yhi] = pad(Math.min(...ys), Math.max(...ys), 0.06, 0.4);
  const maxW = Math.max(...pts.map((p) => p.w), 1e-9);
  const title = `Meta-regression of ${o.label} on ${modLabel}`;
  const description = `Each bubble is a study (area by weight): its SMD against ${modLabel}. The line is the fitted meta-regression${V ? " with its 95% confidence band" : ""}; slope ${fmt(b1.estimate, 3)} per unit (p ${b1.pValue === null ? "–" : b1.pValue < 1e-3 ? "< 0.001" : b1.pValue.toFixed(3)}).`;
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const H = wide ? 340 : 300;
    const L = wide ? 62 : 50, R = W - 12, T = 12, B = H - (wide ? 70 : 84);
    const x = scale(xlo, xhi, L, R);
    const y = scale(ylo, yhi, B, T);
    const p = [svgOpen(id, variant, W, H, title, description, "bubble")];
    p.push(yAxis(y, ylo, yhi, L, 5, "SMD", R));
    p.push(`<line x1="${L}" x2="${R}" y1="${c(y(0))}" y2="${c(y(0))}" class="zero"/>`);
    if (V) p.push(`<polygon points="${[...grid.map((g) => `${c(x(g))},${c(y(fit(g) + band(g)))}`), ...grid.slice().reverse().map((g) => `${c(x(g))},${c(y(fit(g) - band(g)))}`)].join(" ")}" class="band"/>`);
    for (const s of pts) p.push(`<circle cx="${c(x(s.x))}" cy="${c(y(s.yi))}" r="${c(2 + (wide ? 10 : 7) * Math.sqrt(s.w / maxW))}" class="bub"><title>${s.label}: ${modLabel} ${s.x}, SMD ${fmt(s.yi)}</title></circle>`);
    p.push(`<line x1="${c(x(xlo))}" x2="${c(x(xhi))}" y1="${c(y(fit(xlo)))}" y2="${c(y(fit(xhi)))}" class="line"/>`);
    p.push(xAxis(x, xlo, xhi, B, wide ? 8 : 4, modLabel, B + 32));
    const lg = legend(
      [
        { swatch: '<circle cx="7" cy="0" r="5" class="bub"/>', label: "study (area by weight)" },
        { swatch: '<line x1="0" x2="16" y1="0" y2="0" class="line"/>', label: "fitted line" },
        ...V ? [{ swatch: '<rect x="0" y="-6" width="16" height="12" class="band"/>', label: "95% CI of the line" }] : []
      ],
      L,
      B + 50,
      R - L
    );
    p.push(lg.svg, "</svg>");
    return p.join("");
  };
  const notes = V ? [] : ["No confidence band: this snapshot does not carry the coefficient covariance needed to compute it."];
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes,
    table: {
      caption: `${o.label}: SMD per study against ${modLabel} (fitted: ${fmt(b0.estimate, 3)} + ${fmt(b1.estimate, 3)} × ${modLabel})`,
      columns: ["Study", modLabel, "SMD", "Weight (%)", "Fitted SMD"],
      rows: pts.map((s) => [s.label, s.x, Number(s.yi.toFixed(4)), Number(s.w.toFixed(2)), Number(fit(s.x).toFixed(4))])
    }
  };
}

const SEGMENTS = [
  ["low", "Low risk", "rob-low"],
  ["some", "Some concerns", "rob-some"],
  ["high", "High risk", "rob-high"],
  ["missing", "Not assessed", "rob-none"]
];
const robRowLabel = (r) => r.domain === "overall" ? "Overall" : `${r.domain}: ${r.label}`;
function robSummaryChart(o) {
  const rows = o.robSummary ?? [];
  if (rows.length === 0) return null;
  const id = `rob-${o.id}`;
  const title = `Risk of bias (RoB 2) across the studies of ${o.label}, weighted`;
  const description = "One bar per RoB 2 domain: the share of the pooled weight that comes from studies at low risk, with some concerns, at high risk, or not assessed.";
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 28 : 42;
    const L = wide ? 300 : 8, R = W - 12, top = 10;
    const x = scale(0, 100, L, R);
    const end = top + rows.length * rowH;
    const H = Math.max(216, end + 84);
    const p = [svgOpen(id, variant, W, H, title, description, "bars rob-summary")];
    rows.forEach((r, i) => {
      const y0 = top + i * rowH;
      const barY = wide ? y0 + 5 : y0 + 18;
      p.push(text(wide ? L - 8 : 4, wide ? y0 + 18 : y0 + 13, fit(robRowLabel(r), wide ? L - 16 : W - 8), wide ? 'text-anchor="end"' : ""));
      let acc = 0;
      for (const [k, name, cls] of SEGMENTS) {
        const v = r[k];
        if (v > 0) p.push(`<rect x="${c(x(acc))}" y="${c(barY)}" width="${c(x(acc + v) - x(acc))}" height="18" class="${cls}"><title>${name}: ${fmt(v, 0)}%</title></rect>`);
        acc += v;
      }
    });
    p.push(xAxis(x, 0, 100, end + 4, wide ? 5 : 4, "Share of the pooled weight (%)", end + 36));
    p.push(legend(SEGMENTS.map(([, name, cls]) => ({ swatch: `<rect x="0" y="-6" width="14" height="12" class="${cls}"/>`, label: name })), wide ? L : 4, end + 58, R - (wide ? L : 4)).svg);
    p.push("</svg>");
    return p.join("");
  };
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes: [],
    table: {
      caption: `${o.label}: share of the pooled weight per RoB 2 judgement (%)`,
      columns: ["Domain", "Low risk", "Some concerns", "High risk", "Not assessed"],
      rows: rows.map((r) => [robRowLabel(r), Number(r.low.toFixed(1)), Number(r.some.toFixed(1)), Number(r.high.toFixed(1)), Number(r.missing.toFixed(1))])
    }
  };
}
function countBarsChart(idStem, dimLabel, counts) {
  if (counts.length === 0) return null;
  const id = `map-${idStem}`;
  const max = Math.max(...counts.map((x) => x.studies), 1);
  const total = counts.reduce((s, x) => s + x.studies, 0);
  const title = `Studies by ${dimLabel.toLowerCase()}`;
  const description = `Number of included studies per ${dimLabel.toLowerCase()} (${total} in all).`;
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 24 : 38;
    const L = wide ? 230 : 8, R = W - 44, top = 8;
    const x = scale(0, max, L, R);
    const end = top + counts.length * rowH;
    const H = Math.max(216, end + 44);
    const p = [svgOpen(id, variant, W, H, title, description, "bars counts")];
    counts.forEach((k, i) => {
      const y0 = top + i * rowH;
      const barY = wide ? y0 + 4 : y0 + 17;
      p.push(text(wide ? L - 8 : 4, wide ? y0 + 16 : y0 + 12, fit(k.label, wide ? L - 16 : W - 8), wide ? 'text-anchor="end"' : ""));
      p.push(`<rect x="${L}" y="${c(barY)}" width="${c(Math.max(1, x(k.studies) - L))}" height="16" class="bar"/>`);
      p.push(text(x(k.studies) + 4, barY + 12, String(k.studies), 'class="num"'));
    });
    p.push(xAxis(x, 0, max, end + 4, 4, "Studies", end + 36));
    p.push("</svg>");
    return p.join("");
  };
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes: [],
    table: { caption: `Studies by ${dimLabel.toLowerCase()}`, columns: [dimLabel, "Studies"], rows: counts.map((k) => [k.label, k.studies]) }
  };
}

function cumulativeSteps(o) {
  const cum = o.result?.cumulative ?? [];
  const label = new Map(o.studies.map((s) => [s.id, s.label]));
  const usable = cum.filter((s) => s.year !== null && s.year < 9999 && s.estimate !== null && s.ciLower !== null && s.ciUpper !== null);
  const perYear = /* @__PURE__ */ new Map();
  for (const s of usable) perYear.set(s.year, (perYear.get(s.year) ?? 0) + 1);
  const seen = /* @__PURE__ */ new Map();
  return usable.map((s) => {
    const y = s.year;
    const i = seen.get(y) ?? 0;
    seen.set(y, i + 1);
    return { id: s.id, label: label.get(s.id) ?? s.id, year: y, t: y + (i + 0.5) / perYear.get(y), k: s.k, estimate: s.estimate, ciLower: s.ciLower, ciUpper: s.ciUpper };
  });
}
function cumulativeRange(steps, stableK = 5) {
  let later = steps.filter((s) => s.k >= stableK);
  if (later.length < 2) later = steps.slice(Math.floor(steps.length / 2));
  const lo = Math.min(...later.map((s) => s.ciLower), 0);
  const hi = Math.max(...later.map((s) => s.ciUpper), 0);
  return pad(lo, hi, 0.12, 0.4);
}
function cumulativeChart(o) {
  const steps = cumulativeSteps(o);
  if (steps.length < 2) return null;
  const id = `cumulative-${o.id}`;
  const [ylo, yhi] = cumulativeRange(steps);
  const t0 = Math.floor(steps[0].t), t1 = Math.ceil(steps[steps.length - 1].t);
  const title = `Cumulative meta-analysis of ${o.label} by publication year`;
  const description = `The pooled SMD as each study was added in order of publication (line), with its 95% confidence interval (band). ${o.benefit}`;
  const clipped = steps.filter((s) => s.ciLower < ylo || s.ciUpper > yhi).length;
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const H = wide ? 340 : 300;
    const L = wide ? 62 : 50, R = W - 12, T = 14, B = H - (wide ? 76 : 86);
    const x = scale(t0, t1, L, R);
    const y = scale(ylo, yhi, B, T);
    const cy = (v) => Math.max(T, Math.min(B, y(v)));
    const p = [svgOpen(id, variant, W, H, title, description, "cumulative")];
    p.push(yAxis(y, ylo, yhi, L, wide ? 6 : 5, "Pooled SMD", R));
    p.push(`<line x1="${L}" x2="${R}" y1="${c(y(0))}" y2="${c(y(0))}" class="zero"/>`);
    const band = [...steps.map((s) => `${c(x(s.t))},${c(cy(s.ciUpper))}`), ...steps.slice().reverse().map((s) => `${c(x(s.t))},${c(cy(s.ciLower))}`)].join(" ");
    p.push(`<polygon points="${band}" class="band"/>`);
    for (const s of steps) {
      if (s.ciUpper > yhi) p.push(`<path d="M${c(x(s.t))} ${c(T)}l-4 6h8z" class="clip"/>`);
      if (s.ciLower < ylo) p.push(`<path d="M${c(x(s.t))} ${c(B)}l-4 -6h8z" class="clip"/>`);
    }
    p.push(`<polyline points="${steps.map((s) => `${c(x(s.t))},${c(cy(s.estimate))}`).join(" ")}" class="line"/>`);
    for (const s of steps) p.push(`<circle cx="${c(x(s.t))}" cy="${c(cy(s.estimate))}" r="2.5" class="dot"><title>${s.label}: k = ${s.k}, ${fmtCi(s.estimate, s.ciLower, s.ciUpper)}</title></circle>`);
    p.push(xAxis(x, t0, t1, B, wide ? 8 : 4, "Publication year", B + 34));
    const lg = legend(
      [
        { swatch: '<line x1="0" x2="16" y1="0" y2="0" class="line"/>', label: "Pooled SMD after each study" },
        { swatch: '<rect x="0" y="-6" width="16" height="12" class="band"/>', label: "95% CI" },
        ...clipped ? [{ swatch: '<path d="M8 -6l-5 8h10z" class="clip"/>', label: "CI beyond the axis" }] : []
      ],
      L,
      B + 54,
      R - L
    );
    p.push(lg.svg);
    p.push("</svg>");
    return p.join("");
  };
  const notes = [`The y-axis covers the steps with 5 or more studies${clipped ? `; ${clipped} earlier interval${clipped === 1 ? "" : "s"} reaching beyond it ${clipped === 1 ? "is" : "are"} clipped (arrows)` : ""}. Studies of the same year are spread evenly across it.`];
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes,
    table: {
      caption: `${o.label}: pooled estimate after each study, in order of publication`,
      columns: ["Step", "Study added", "Year", "Studies (k)", "Pooled SMD", "95% CI lower", "95% CI upper"],
      rows: steps.map((s, i) => [i + 1, s.label, s.year, s.k, Number(s.estimate.toFixed(4)), Number(s.ciLower.toFixed(4)), Number(s.ciUpper.toFixed(4))])
    }
  };
}

const CONTOUR_Z = { p10: 1.6448536269514722, p05: 1.959963984540054, p01: 2.5758293035489004 };
function funnelChart(o) {
  const r = o.result;
  if (!r || r.estimate === null || o.studies.length < 3) return null;
  const id = `funnel-${o.id}`;
  const pts = o.studies.map((s) => ({ label: s.label, yi: s.yi, se: Math.sqrt(s.vi) }));
  const filled = (r.trimFill?.filled ?? []).map((f) => ({ yi: f.yi, se: Math.sqrt(f.vi) }));
  const all = [...pts, ...filled];
  const seMax = Math.max(...all.map((p) => p.se)) * 1.05;
  const lim = CONTOUR_Z.p01 * seMax;
  const [xlo, xhi] = pad(Math.min(...all.map((p) => p.yi), -lim * 0.6, r.estimate), Math.max(...all.map((p) => p.yi), lim * 0.6, r.estimate), 0.04, 0.5);
  const title = `Contour-enhanced funnel plot of ${o.label}`;
  const description = "Each dot is a study: its effect (SMD) across, its standard error down (larger studies at the top). Shaded regions show where a study would be statistically significant (two-sided, against zero); a gap in the white region on one side can suggest missing small studies.";
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const H = wide ? 380 : 330;
    const L = wide ? 62 : 50, R = W - 12, T = 12, B = H - (wide ? 82 : 100);
    const x = scale(xlo, xhi, L, R);
    const y = scale(0, seMax, T, B);
    const p = [svgOpen(id, variant, W, H, title, description, "funnel")];
    p.push(`<defs><clipPath id="${id}-${variant}-clip"><rect x="${L}" y="${T}" width="${c(R - L)}" height="${c(B - T)}"/></clipPath></defs>`);
    p.push(`<g clip-path="url(#${id}-${variant}-clip)">`);
    p.push(`<rect x="${L}" y="${T}" width="${c(R - L)}" height="${c(B - T)}" class="f01"/>`);
    const wedge = (z, cls) => `<polygon points="${c(x(0))},${c(y(0))} ${c(x(-z * seMax))},${c(y(seMax))} ${c(x(z * seMax))},${c(y(seMax))}" class="${cls}"/>`;
    p.push(wedge(CONTOUR_Z.p01, "f05"), wedge(CONTOUR_Z.p05, "f10"), wedge(CONTOUR_Z.p10, "fns"));
    p.push("</g>");
    p.push(`<line x1="${c(x(0))}" x2="${c(x(0))}" y1="${T}" y2="${c(B)}" class="axis"/>`);
    p.push(`<line x1="${c(x(r.estimate))}" x2="${c(x(r.estimate))}" y1="${T}" y2="${c(B)}" class="est"/>`);
    for (const f of filled) p.push(`<circle cx="${c(x(f.yi))}" cy="${c(y(f.se))}" r="3.5" class="filled"/>`);
    for (const s of pts) p.push(`<circle cx="${c(x(s.yi))}" cy="${c(y(s.se))}" r="3.5" class="dot"><title>${s.label}: SMD ${fmt(s.yi)}, SE ${fmt(s.se, 3)}</title></circle>`);
    p.push(yAxis(y, 0, seMax, L, 5, "Standard error"));
    p.push(xAxis(x, xlo, xhi, B, wide ? 7 : 4, "SMD", B + 32));
    const lg = legend(
      [
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="fns"/>', label: "p > .10" },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f10"/>', label: ".10 > p > .05" },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f05"/>', label: ".05 > p > .01" },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f01"/>', label: "p < .01" },
        { swatch: '<line x1="0" x2="14" y1="0" y2="0" class="est"/>', label: "pooled estimate" },
        ...filled.length ? [{ swatch: '<circle cx="7" cy="0" r="3.5" class="filled"/>', label: "imputed (trim-and-fill)" }] : []
      ],
      L,
      B + 50,
      R - L
    );
    p.push(lg.svg, "</svg>");
    return p.join("");
  };
  const notes = ["Contours are centred on zero (no effect), as metafor draws them with refline = 0; the dashed line is the pooled estimate."];
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes,
    table: {
      caption: `${o.label}: effect and standard error per study${filled.length ? " (and studies imputed by trim-and-fill)" : ""}`,
      columns: ["Study", "SMD", "Standard error", "Imputed"],
      rows: [...pts.map((s) => [s.label, Number(s.yi.toFixed(4)), Number(s.se.toFixed(4)), "no"]), ...filled.map((f, i) => [`imputed ${i + 1}`, Number(f.yi.toFixed(4)), Number(f.se.toFixed(4)), "yes"])]
    }
  };
}

const cache = /* @__PURE__ */ new Map();
const studyPath = (base, reviewId, studyId) => `${base}reviews/${encodeURIComponent(reviewId)}/studies/${encodeURIComponent(studyId)}/`;
const humanize = (id) => id.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (m) => m.toUpperCase()).toLowerCase().replace(/^./, (m) => m.toUpperCase());
function outcomeCharts(s, o, base) {
  const subgroups = /* @__PURE__ */ new Map();
  for (const g of o.subgroups) {
    const ch = subgroupChart(o, g);
    if (ch) subgroups.set(g.moderator, ch);
  }
  const mod = o.result?.metaRegression?.moderators[0];
  return {
    forest: forestChart(o, { studyHref: (id) => studyPath(base, s.reviewId, id) }),
    rob: robSummaryChart(o),
    cumulative: cumulativeChart(o),
    funnel: funnelChart(o),
    bubble: bubbleChart(o, s.settings.ci, mod ? humanize(mod) : void 0),
    subgroups
  };
}
function reviewCharts(s, base) {
  const key = `${s.reviewId}@${s.revision}@${s.generatedAt}@${base}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const outcomes = /* @__PURE__ */ new Map();
  const all = [];
  for (const o of s.outcomes) {
    const oc = outcomeCharts(s, o, base);
    outcomes.set(o.id, oc);
    for (const ch of [oc.forest, oc.rob, oc.cumulative, oc.funnel, oc.bubble, ...oc.subgroups.values()]) if (ch) all.push(ch);
  }
  const map = (s.evidenceMap?.dimensions ?? []).map((d) => countBarsChart(d.id, d.label, d.counts)).filter((x) => x !== null);
  all.push(...map);
  const out = { outcomes, map, all };
  cache.set(key, out);
  return out;
}
function standaloneSvg(ch, variant = "wide") {
  return `<?xml version="1.0" encoding="utf-8"?>
${ch[variant].replace(/^<svg ([^>]*)>/, (_m, attrs) => `<svg ${attrs.replace(/ class="[^"]*"/, ' class="chart-svg"')}><style>${CHART_CSS}</style><rect width="100%" height="100%" fill="#fff"/>`)}
`;
}
function svgSize(svg) {
  const m = svg.match(/viewBox="0 0 ([0-9.]+) ([0-9.]+)"/);
  return { width: Math.round(Number(m[1])), height: Math.round(Number(m[2])) };
}
function looTable(s, o, base) {
  const loo = o.result?.leaveOneOut;
  if (!loo || loo.length === 0) return null;
  const label = new Map(o.studies.map((x) => [x.id, x.label]));
  return {
    id: `loo-${o.id}`,
    title: `Leave-one-out sensitivity analysis of ${o.label}`,
    table: {
      caption: `${o.label}: pooled SMD with each study left out in turn`,
      columns: ["Study left out", "SMD", "95% CI", "τ²", "I² (%)"],
      rows: loo.map((l) => [label.get(l.id) ?? l.id, fmt(l.estimate), `${fmt(l.ciLower)} to ${fmt(l.ciUpper)}`, fmt(l.tau2, 3), l.i2 === null ? "–" : fmt(l.i2, 0)]),
      links: loo.map((l) => studyPath(base, s.reviewId, l.id))
    }
  };
}
function tablePages(s, base) {
  const charts = reviewCharts(s, base).all.map((ch) => ({ id: ch.id, title: ch.title, table: ch.table }));
  const loo = s.outcomes.map((o) => looTable(s, o, base)).filter((x) => x !== null);
  return [...charts, ...loo].filter((t) => t.table.rows.length > INLINE_ROWS);
}
function chartCsv(ch) {
  return tableCsv(ch.table);
}

export { svgSize as a, studyPath as b, chartCsv as c, looTable as l, reviewCharts as r, standaloneSvg as s, tablePages as t };
