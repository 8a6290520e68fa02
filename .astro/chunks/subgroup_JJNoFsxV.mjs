import { g as esc, c as csvEscape, f as fmt, a as fmtCi } from './format_BwMHeXA6.mjs';

const INLINE_ROWS = 40;
const WIDE = 760;
const NARROW = 360;
const FONT = 12;
const c = (v) => (Math.round(v * 10) / 10).toString();
function scale(d0, d1, r0, r1) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}
function niceStep(raw) {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
function ticks(min, max, count = 5) {
  const step = niceStep((max - min) / Math.max(1, count));
  const out = [];
  const start = Math.ceil(min / step - 1e-9) * step;
  for (let t = start; t <= max + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}
function tickLabel(t, step) {
  const d = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
  return t.toFixed(d).replace("-", "−");
}
function pad(lo, hi, frac = 0.05, minSpan = 0.2) {
  let a = lo, b = hi;
  if (b - a < minSpan) {
    const mid = (a + b) / 2;
    a = mid - minSpan / 2;
    b = mid + minSpan / 2;
  }
  const p = (b - a) * frac;
  return [a - p, b + p];
}
function svgOpen(id, variant, width, height, title, desc, cls) {
  const tid = `${id}-${variant}-t`;
  const did = `${id}-${variant}-d`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" height="${c(height)}" role="img" aria-labelledby="${tid} ${did}" class="chart-svg ${cls} ${variant === "w" ? "wide" : "narrow"}" font-size="${FONT}"><title id="${tid}">${esc(title)}</title><desc id="${did}">${esc(desc)}</desc>`;
}
function text(x, y, s, attrs = "") {
  return `<text x="${c(x)}" y="${c(y)}"${attrs ? ` ${attrs}` : ""}>${esc(s)}</text>`;
}
function fit(s, px, font = FONT) {
  const max = Math.max(3, Math.floor(px / (font * 0.56)));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
function xAxis(x, lo, hi, y, count, label, labelY) {
  const ts = ticks(lo, hi, count);
  const step = ts.length > 1 ? ts[1] - ts[0] : 1;
  const parts = [`<line x1="${c(x(lo))}" x2="${c(x(hi))}" y1="${c(y)}" y2="${c(y)}" class="axis"/>`];
  for (const t of ts) {
    parts.push(`<line x1="${c(x(t))}" x2="${c(x(t))}" y1="${c(y)}" y2="${c(y + 4)}" class="axis"/>`);
    parts.push(text(x(t), y + 16, tickLabel(t, step), 'text-anchor="middle"'));
  }
  if (label) parts.push(text((x(lo) + x(hi)) / 2, labelY ?? y + 32, label, 'text-anchor="middle" class="axlab"'));
  return parts.join("");
}
function yAxis(y, lo, hi, x, count, label, x2) {
  const ts = ticks(lo, hi, count);
  const step = ts.length > 1 ? ts[1] - ts[0] : 1;
  const parts = [`<line x1="${c(x)}" x2="${c(x)}" y1="${c(y(lo))}" y2="${c(y(hi))}" class="axis"/>`];
  for (const t of ts) {
    if (x2 !== void 0) parts.push(`<line x1="${c(x)}" x2="${c(x2)}" y1="${c(y(t))}" y2="${c(y(t))}" class="grid"/>`);
    parts.push(`<line x1="${c(x - 4)}" x2="${c(x)}" y1="${c(y(t))}" y2="${c(y(t))}" class="axis"/>`);
    parts.push(text(x - 6, y(t) + 4, tickLabel(t, step), 'text-anchor="end"'));
  }
  if (label) {
    const cy = (y(lo) + y(hi)) / 2;
    parts.push(`<text x="${c(12)}" y="${c(cy)}" transform="rotate(-90 12 ${c(cy)})" text-anchor="middle" class="axlab">${esc(label)}</text>`);
  }
  return parts.join("");
}
function tableCsv(t) {
  return `${[t.columns, ...t.rows].map((r) => r.map(csvEscape).join(",")).join("\n")}
`;
}
function legend(items, x0, y0, width) {
  let x = x0, y = y0;
  const parts = [];
  for (const it of items) {
    const w = 22 + it.label.length * FONT * 0.56 + 14;
    if (x + w > x0 + width && x > x0) {
      x = x0;
      y += 18;
    }
    parts.push(`<g transform="translate(${c(x)} ${c(y)})">${it.swatch}${text(20, 4, it.label)}</g>`);
    x += w;
  }
  return { svg: parts.join(""), height: y - y0 + 18 };
}

const ROB_KEYS = ["D1", "D2", "D3", "D4", "D5", "overall"];
const ROB_WORD = { low: "low risk", some: "some concerns", high: "high risk" };
const ROB_MARK = { low: "+", some: "−", high: "×" };
function favours(direction) {
  return direction === "lower-is-better" ? ["favours intervention", "favours control"] : ["favours control", "favours intervention"];
}
const ROB_COLOURS = { low: ["#15803d", "#ffffff"], some: ["#facc15", "#111827"], high: ["#b91c1c", "#ffffff"] };
function robDefs(id) {
  const parts = ["low", "some", "high"].map(
    (j) => `<g id="${id}-r${j[0]}"><circle r="7" fill="${ROB_COLOURS[j][0]}"/><text y="4" text-anchor="middle" font-size="11" font-weight="700" fill="${ROB_COLOURS[j][1]}">${ROB_MARK[j]}</text></g>`
  );
  parts.push(`<g id="${id}-rn"><circle r="6.5" fill="#e5e7eb" stroke="#6b7280"/></g>`);
  return `<defs>${parts.join("")}</defs>`;
}
function robUse(id, j, x, y) {
  return `<use href="#${id}-r${j ? j[0] : "n"}" x="${c(x)}" y="${c(y)}"/>`;
}
function robWord(j) {
  return j ? ROB_WORD[j] : "not assessed";
}
function forestChart(o, opts = {}) {
  const r = o.result;
  if (!r || o.studies.length === 0 || r.estimate === null || r.ciLower === null || r.ciUpper === null) return null;
  const id = opts.id ?? `forest-${o.id}`;
  const rows = o.studies;
  const hasRob = rows.some((s) => s.rob && Object.keys(s.rob).length > 0);
  const showPi = (o.display?.predictionInterval ?? true) && r.piLower !== null && r.piUpper !== null;
  const [favL, favR] = favours(o.direction);
  const lows = rows.map((s) => s.ciLower);
  const highs = rows.map((s) => s.ciUpper);
  let lo = Math.min(...lows, r.ciLower, 0);
  let hi = Math.max(...highs, r.ciUpper, 0);
  if (showPi) {
    lo = Math.min(lo, r.piLower);
    hi = Math.max(hi, r.piUpper);
  }
  lo = Math.max(lo, Math.min(-1, r.estimate - 3));
  hi = Math.min(hi, Math.max(1, r.estimate + 3));
  const [xmin, xmax] = pad(lo, hi, 0.04, 1);
  const title = `Forest plot of ${o.label}: ${rows.length} stud${rows.length === 1 ? "y" : "ies"}`;
  const description = `Each row is one study: the square is its standardised mean difference (size by weight), the line its 95% confidence interval; the diamond is the pooled estimate${showPi ? " and the bar below it the prediction interval" : ""}. Effects left of zero ${favL}.`;
  const link = (sid, inner) => opts.studyHref ? `<a href="${esc(opts.studyHref(sid))}">${inner}</a>` : inner;
  const maxW = Math.max(...rows.map((s) => s.weight ?? 0), 1e-9);
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 20 : 22;
    const labelR = wide ? 196 : 104;
    const nR = 232, wR = 286, robX0 = 306;
    const plotL = wide ? hasRob ? 412 : 312 : 110;
    const plotR = wide ? 598 : 234;
    const textR = W - 6;
    const top = wide ? 30 : 28;
    const x = scale(xmin, xmax, plotL, plotR);
    const cx = (v) => Math.max(plotL, Math.min(plotR, x(v)));
    const extra = showPi ? 2 : 1;
    const yEnd = top + (rows.length + extra) * rowH + 8;
    const H = Math.max(226, yEnd + 50);
    const p = [svgOpen(id, variant, W, H, title, description, "forest")];
    if (wide && hasRob) p.push(robDefs(`${id}-${variant}`));
    p.push(text(wide ? 8 : 4, 18, "Study", 'class="hdr"'));
    if (wide) {
      p.push(text(nR, 18, "n", 'class="hdr" text-anchor="end"'));
      p.push(text(wR, 18, "Weight", 'class="hdr" text-anchor="end"'));
      if (hasRob) ROB_KEYS.forEach((k, i) => p.push(text(robX0 + i * 18, 18, k === "overall" ? "All" : k, 'class="hdr" text-anchor="middle" font-size="11"')));
    }
    p.push(text(textR, 18, "SMD [95% CI]", 'class="hdr" text-anchor="end"'));
    p.push(`<line x1="${c(x(0))}" x2="${c(x(0))}" y1="${top - 6}" y2="${c(yEnd)}" class="zero"/>`);
    rows.forEach((s, i) => {
      const y = top + i * rowH + rowH / 2;
      const label = wide ? fit(s.label, labelR - 8) : fit(s.label, labelR - 4);
      p.push(`<g class="row" data-study="${esc(s.id)}">`);
      p.push(link(s.id, text(wide ? 8 : 4, y + 4, label)));
      if (wide) {
        p.push(text(nR, y + 4, s.n === null ? "–" : String(s.n), 'text-anchor="end"'));
        p.push(text(wR, y + 4, s.weight === null ? "–" : `${fmt(s.weight, 1)}%`, 'text-anchor="end"'));
        if (hasRob) ROB_KEYS.forEach((k, j) => p.push(robUse(`${id}-${variant}`, s.rob?.[k], robX0 + j * 18, y)));
      }
      const a = cx(s.ciLower), b = cx(s.ciUpper);
      p.push(`<line x1="${c(a)}" x2="${c(b)}" y1="${c(y)}" y2="${c(y)}" class="ci"/>`);
      if (x(s.ciLower) < plotL) p.push(`<path d="M${c(plotL)} ${c(y)}l5 -4v8z" class="clip"/>`);
      if (x(s.ciUpper) > plotR) p.push(`<path d="M${c(plotR)} ${c(y)}l-5 -4v8z" class="clip"/>`);
      const size = 3 + 7 * Math.sqrt((s.weight ?? 0) / maxW);
      if (x(s.yi) >= plotL && x(s.yi) <= plotR) p.push(`<rect x="${c(x(s.yi) - size / 2)}" y="${c(y - size / 2)}" width="${c(size)}" height="${c(size)}" class="pt"/>`);
      p.push(text(textR, y + 4, fmtCi(s.yi, s.ciLower, s.ciUpper), 'text-anchor="end" class="num"'));
      p.push("</g>");
    });
    const yd = top + rows.length * rowH + rowH / 2 + 4;
    p.push(`<line x1="${wide ? 8 : 4}" x2="${textR}" y1="${c(yd - rowH / 2)}" y2="${c(yd - rowH / 2)}" class="sep"/>`);
    p.push(text(wide ? 8 : 4, yd + 4, wide ? `Pooled estimate (${o.k} studies)` : `Pooled (k = ${o.k})`, 'class="hdr"'));
    if (wide) {
      if (o.participants) p.push(text(nR, yd + 4, String(o.participants), 'text-anchor="end" class="hdr"'));
      p.push(text(wR, yd + 4, "100%", 'text-anchor="end" class="hdr"'));
    }
    p.push(`<polygon points="${c(cx(r.ciLower))},${c(yd)} ${c(cx(r.estimate))},${c(yd - 7)} ${c(cx(r.ciUpper))},${c(yd)} ${c(cx(r.estimate))},${c(yd + 7)}" class="diamond"/>`);
    p.push(text(textR, yd + 4, fmtCi(r.estimate, r.ciLower, r.ciUpper), 'text-anchor="end" class="hdr num"'));
    if (showPi) {
      const yp = yd + rowH;
      p.push(text(wide ? 8 : 4, yp + 4, wide ? "Prediction interval (a new study)" : "Prediction int.", 'class="pil"'));
      p.push(`<line x1="${c(cx(r.piLower))}" x2="${c(cx(r.piUpper))}" y1="${c(yp)}" y2="${c(yp)}" class="pi"/>`);
      p.push(text(textR, yp + 4, `${fmt(r.piLower)} to ${fmt(r.piUpper)}`, 'text-anchor="end" class="pil num"'));
    }
    p.push(xAxis(x, xmin, xmax, yEnd, wide ? 6 : 4));
    if (wide) {
      p.push(text(x(0) - 4, yEnd + 34, `← ${favL}`, 'text-anchor="end" class="fav"'));
      p.push(text(x(0) + 4, yEnd + 34, `${favR} →`, 'class="fav"'));
    } else {
      p.push(text(4, yEnd + 34, `← ${favL}`, 'class="fav"'));
      p.push(text(W - 4, yEnd + 34, `${favR} →`, 'text-anchor="end" class="fav"'));
    }
    p.push("</svg>");
    return p.join("");
  };
  const columns = ["Study", "Year", "n", "Weight (%)", "SMD", "95% CI lower", "95% CI upper", ...hasRob ? ROB_KEYS.map((k) => `RoB ${k}`) : []];
  const tableRows = rows.map((s) => [
    s.label,
    s.year ?? "",
    s.n ?? "",
    s.weight === null ? "" : Number(s.weight.toFixed(2)),
    Number(s.yi.toFixed(4)),
    Number(s.ciLower.toFixed(4)),
    Number(s.ciUpper.toFixed(4)),
    ...hasRob ? ROB_KEYS.map((k) => robWord(s.rob?.[k])) : []
  ]);
  tableRows.push(["Pooled estimate", "", o.participants ?? "", 100, Number(r.estimate.toFixed(4)), Number(r.ciLower.toFixed(4)), Number(r.ciUpper.toFixed(4)), ...hasRob ? ROB_KEYS.map(() => "") : []]);
  const notes = [];
  if (rows.some((s) => s.ciLower < xmin || s.ciUpper > xmax)) notes.push("Intervals reaching beyond the axis end in an arrow; their full values are in the table.");
  if (!showPi && r.piLower !== null) notes.push(...o.display?.notes.filter((n) => /prediction/i.test(n)) ?? []);
  const links = opts.studyHref ? [...rows.map((s) => opts.studyHref(s.id)), null] : void 0;
  return { id, title, description, wide: draw("w"), narrow: draw("n"), table: { caption: `${o.label}: effect per study (SMD, ${o.benefit.replace(/\.$/, "").toLowerCase()})`, columns, rows: tableRows, ...links ? { links } : {} }, notes };
}

function levelLabel(g, level) {
  return g.levels?.find((l) => l.level === level)?.label ?? level;
}
function subgroupChart(o, g) {
  const res = g.result;
  if (!res) return null;
  const lv = res.groups.filter((l) => l.estimate !== null && l.ciLower !== null && l.ciUpper !== null);
  if (lv.length === 0) return null;
  const id = `subgroup-${o.id}-${g.moderator}`;
  const r = o.result;
  const overall = r && r.estimate !== null ? r.estimate : null;
  const [favL, favR] = favours(o.direction);
  const [xlo, xhi] = pad(Math.max(-3, Math.min(...lv.map((l) => l.ciLower), 0)), Math.min(3, Math.max(...lv.map((l) => l.ciUpper), 0)), 0.05, 1);
  const title = `${o.label} by ${g.label.toLowerCase()}`;
  const description = `One diamond per ${g.label.toLowerCase()}: the pooled SMD within that group and its 95% confidence interval. Effects left of zero ${favL}.`;
  const draw = (variant) => {
    const wide = variant === "w";
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 26 : 40;
    const top = 30;
    const labelR = wide ? 250 : NARROW - 8;
    const plotL = wide ? 262 : 12, plotR = wide ? 590 : W - 12;
    const x = scale(xlo, xhi, plotL, plotR);
    const cx = (v) => Math.max(plotL, Math.min(plotR, x(v)));
    const yEnd = top + lv.length * rowH + 6;
    const H = Math.max(216, yEnd + 52);
    const p = [svgOpen(id, variant, W, H, title, description, "forest subgroup")];
    p.push(text(wide ? 8 : 4, 18, g.label, 'class="hdr"'));
    if (wide) p.push(text(W - 6, 18, "SMD [95% CI]", 'class="hdr" text-anchor="end"'));
    p.push(`<line x1="${c(x(0))}" x2="${c(x(0))}" y1="${top - 4}" y2="${c(yEnd)}" class="zero"/>`);
    if (overall !== null) p.push(`<line x1="${c(cx(overall))}" x2="${c(cx(overall))}" y1="${top - 4}" y2="${c(yEnd)}" class="est"/>`);
    lv.forEach((l, i) => {
      const name = `${levelLabel(g, l.level)} (k = ${l.k})`;
      if (wide) {
        const y = top + i * rowH + rowH / 2;
        p.push(text(8, y + 4, fit(name, labelR - 8)));
        p.push(`<polygon points="${c(cx(l.ciLower))},${c(y)} ${c(cx(l.estimate))},${c(y - 7)} ${c(cx(l.ciUpper))},${c(y)} ${c(cx(l.estimate))},${c(y + 7)}" class="diamond"/>`);
        p.push(text(W - 6, y + 4, fmtCi(l.estimate, l.ciLower, l.ciUpper), 'text-anchor="end" class="num"'));
      } else {
        const y0 = top + i * rowH;
        p.push(text(4, y0 + 12, fit(`${name}: ${fmtCi(l.estimate, l.ciLower, l.ciUpper)}`, W - 8)));
        const y = y0 + 28;
        p.push(`<polygon points="${c(cx(l.ciLower))},${c(y)} ${c(cx(l.estimate))},${c(y - 6)} ${c(cx(l.ciUpper))},${c(y)} ${c(cx(l.estimate))},${c(y + 6)}" class="diamond"/>`);
      }
    });
    p.push(xAxis(x, xlo, xhi, yEnd, wide ? 6 : 4));
    p.push(text(wide ? x(0) - 4 : 4, yEnd + 34, `← ${favL}`, wide ? 'text-anchor="end" class="fav"' : 'class="fav"'));
    p.push(text(wide ? x(0) + 4 : W - 4, yEnd + 34, `${favR} →`, wide ? 'class="fav"' : 'text-anchor="end" class="fav"'));
    p.push("</svg>");
    return p.join("");
  };
  return {
    id,
    title,
    description,
    wide: draw("w"),
    narrow: draw("n"),
    notes: overall !== null ? ["The dashed vertical line is the overall pooled estimate."] : [],
    table: {
      caption: `${o.label}: pooled SMD per ${g.label.toLowerCase()}`,
      columns: [g.label, "Studies (k)", "SMD", "95% CI lower", "95% CI upper", "τ²", "I² (%)"],
      rows: res.groups.map((l) => [levelLabel(g, l.level), l.k, l.estimate === null ? "" : Number(l.estimate.toFixed(4)), l.ciLower === null ? "" : Number(l.ciLower.toFixed(4)), l.ciUpper === null ? "" : Number(l.ciUpper.toFixed(4)), l.tau2 === null ? "" : Number(l.tau2.toFixed(4)), l.i2 === null ? "" : Number(l.i2.toFixed(1))])
    }
  };
}

export { INLINE_ROWS as I, NARROW as N, ROB_KEYS as R, WIDE as W, legend as a, scale as b, c, subgroupChart as d, forestChart as e, fit as f, tableCsv as g, levelLabel as l, pad as p, robWord as r, svgOpen as s, text as t, xAxis as x, yAxis as y };
