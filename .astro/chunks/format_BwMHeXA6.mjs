const fmt = (x, d = 2) => x === null || x === void 0 || !Number.isFinite(x) ? "–" : x.toFixed(d).replace("-", "−");
const fmtP = (p) => p === null || p === void 0 || !Number.isFinite(p) ? "–" : p < 1e-3 ? "< 0.001" : p.toFixed(3);
const fmtCi = (est, lo, hi, d = 2) => `${fmt(est, d)} [${fmt(lo, d)}, ${fmt(hi, d)}]`;
const fmtDate = (iso) => iso ? iso.slice(0, 10) : "–";
const fmtDateTime = (iso) => iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "–";
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
function csvEscape(v) {
  const s = v === null || v === void 0 ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export { fmtCi as a, fmtDate as b, csvEscape as c, fmtP as d, fmtDateTime as e, fmt as f, esc as g };
