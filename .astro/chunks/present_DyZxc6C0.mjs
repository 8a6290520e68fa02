import { f as fmt } from './format_BwMHeXA6.mjs';

const CERTAINTY_LABEL = { high: "High", moderate: "Moderate", low: "Low", "very-low": "Very low" };
const FILLED = { high: 4, moderate: 3, low: 2, "very-low": 1 };
const certaintyMarks = (r) => "⊕".repeat(FILLED[r]) + "◯".repeat(4 - FILLED[r]);
function certaintyStatus(c) {
  return c.status === "confirmed" ? "confirmed by a review lead" : "proposed from the data, not yet confirmed by a review lead";
}
function tau2Text(o) {
  const r = o.result;
  if (!r || r.tau2 === null) return "–";
  const lo = r.tau2CiLower, hi = r.tau2CiUpper;
  if (lo === null || lo === void 0) return fmt(r.tau2, 3);
  const upper = o.display?.tau2UpperAtLimit ? "> 100" : fmt(hi, 3);
  return `${fmt(r.tau2, 3)} [${fmt(lo, 3)}, ${upper}]`;
}
function showPi(o) {
  return (o.display?.predictionInterval ?? true) && !!o.result && o.result.piLower !== null && o.result.piUpper !== null;
}
const display = (o) => o.display ?? { predictionInterval: true, subgroupTests: true, smallStudyTests: o.k >= 10, tau2UpperAtLimit: false, notes: [] };
function footnoteNumbers(outcomes) {
  const numbers = /* @__PURE__ */ new Map();
  const notes = [];
  for (const o of outcomes) {
    const mine = [];
    for (const f of o.certainty?.footnotes ?? []) {
      let i = notes.indexOf(f);
      if (i < 0) {
        notes.push(f);
        i = notes.length - 1;
      }
      mine.push(i + 1);
    }
    numbers.set(o.id, mine);
  }
  return { numbers, notes };
}
const SOURCE_NAME = { pubmed: "PubMed", ctgov: "ClinicalTrials.gov", europepmc: "Europe PMC", metapsy: "Metapsy" };
const sourceName = (s) => SOURCE_NAME[s] ?? s;
const lastChanged = (s) => s.changes[0]?.at ?? s.generatedAt;
function idLink(type, value) {
  switch (type) {
    case "pmid":
      return `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(value)}/`;
    case "nct":
      return `https://clinicaltrials.gov/study/${encodeURIComponent(value)}`;
    case "doi":
      return `https://doi.org/${value}`;
    case "pmcid":
      return `https://www.ncbi.nlm.nih.gov/pmc/articles/${encodeURIComponent(value)}/`;
    default:
      return null;
  }
}
const ID_NAME = { pmid: "PubMed", nct: "ClinicalTrials.gov", doi: "DOI", pmcid: "PMC", metapsy: "Metapsy", isrctn: "ISRCTN" };

export { CERTAINTY_LABEL as C, ID_NAME as I, showPi as a, certaintyMarks as b, certaintyStatus as c, display as d, footnoteNumbers as f, idLink as i, lastChanged as l, sourceName as s, tau2Text as t };
