/**
 * ISRCTN query API XML (`/api/query/format/default`) → SourceRecords. Pure.
 *
 * A page is `<allTrials totalCount="N" xmlns="http://www.67bricks.com/isrctn">` holding one
 * `<fullTrial>` per trial (`<trial lastUpdated=… version=…>` with `isrctn`, `trialDescription`,
 * `externalRefs`, `trialDesign`, `participants`, `conditions`, `interventions`, `results`,
 * `outputs`; then `contact`, `sponsor`, `funder`). The envelope is checked cheaply first (a
 * truncated body or an HTML error page throws IsrctnResponseError: the caller retries); then each
 * trial is parsed on its own, so one malformed trial is set aside and the rest are kept.
 *
 * Linking: ISRCTN lists the trial's ClinicalTrials.gov number (`externalRefs/clinicalTrialsGovNumber`)
 * and its publications (PubMed links and DOIs in `results/publicationDetails` and in the
 * `outputs`); these become identifiers, so the registration, its CT.gov twin and its papers are
 * one study. The record's own DOI (`10.1186/ISRCTN…`) names the registration, not a paper.
 */
import type { Identifier } from './candidate.js';
import { identifier, registryIdentifier, uniqueIdentifiers } from './identity.js';
import type { MalformedRecord, PartialDate, RegistryInfo, SourceRecord } from './record.js';
import { collapseWhitespace } from './text.js';
import { all, attr, first, parseXml, text, type XmlNode } from './xml.js';

export class IsrctnResponseError extends Error {
  override name = 'IsrctnResponseError';
}

export interface IsrctnEnvelope {
  totalCount: number;
  /** Raw `<fullTrial>` slices, in order. */
  trials: string[];
  /** The ISRCTN number each slice names, or `unidentified`. */
  ids: string[];
}

const TRIAL_OPEN = /<fullTrial(?=[\s>])/g;
const ISRCTN_IN = /<isrctn[^>]*>\s*(?:ISRCTN)?(\d{8})\s*<\/isrctn>/;

/** Checks a query response as a whole and slices it into trials (no XML parse yet). */
export function splitIsrctn(xml: string): IsrctnEnvelope {
  const body = xml.replace(/^\uFEFF/, '');
  const open = body.search(/<allTrials[\s>/]/);
  if (open < 0) throw new IsrctnResponseError(`ISRCTN response is not an allTrials document (starts "${collapseWhitespace(body.slice(0, 80))}")`);
  const openEnd = body.indexOf('>', open);
  const head = body.slice(open, openEnd + 1);
  const total = Number(head.match(/totalCount="(\d+)"/)?.[1]);
  if (!Number.isInteger(total)) throw new IsrctnResponseError('ISRCTN allTrials has no totalCount');
  if (head.endsWith('/>')) return { totalCount: total, trials: [], ids: [] };
  const close = body.lastIndexOf('</allTrials>');
  if (close < 0 || body.slice(close + '</allTrials>'.length).trim() !== '') throw new IsrctnResponseError('ISRCTN response is truncated (no closing </allTrials>)');
  const inner = body.slice(openEnd + 1, close);
  const starts = [...inner.matchAll(TRIAL_OPEN)].map((m) => m.index ?? 0);
  const trials = starts.map((s, i) => inner.slice(s, starts[i + 1] ?? inner.length).trimEnd());
  return { totalCount: total, trials, ids: trials.map((t) => (ISRCTN_IN.exec(t)?.[1] ? `ISRCTN${ISRCTN_IN.exec(t)![1]}` : 'unidentified')) };
}

class MappingError extends Error {}

function dateOf(v: string | undefined): PartialDate | undefined {
  const m = v?.trim().match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/);
  return m ? { iso: m[0], year: Number(m[1]) } : undefined;
}

const t = (n: XmlNode | undefined, ...path: string[]): string => {
  let cur = n;
  for (const p of path) cur = first(cur, p);
  return text(cur);
};

/** PubMed ids and DOIs named in free text or links (results, outputs). */
export function publicationIds(s: string): Identifier[] {
  const out: (Identifier | undefined)[] = [];
  for (const m of s.matchAll(/pubmed(?:\.ncbi\.nlm\.nih\.gov)?\/(?:\?term=)?(\d{5,9})\b|\bPMID:?\s*(\d{5,9})\b/gi)) out.push(identifier('pmid', m[1] ?? m[2]));
  for (const m of s.matchAll(/\b10\.\d{4,9}\/[^\s"<>;,]+/g)) {
    const doi = m[0].replace(/[.)\]]+$/, '');
    if (!/^10\.1186\/isrctn/i.test(doi)) out.push(identifier('doi', doi));
  }
  return uniqueIdentifiers(out);
}

function mapTrial(el: XmlNode): SourceRecord {
  const trial = first(el, 'trial');
  if (!trial) throw new MappingError('fullTrial/trial is missing');
  const num = t(trial, 'isrctn').replace(/^ISRCTN/i, '');
  if (!/^\d{8}$/.test(num)) throw new MappingError(`trial/isrctn is missing or not 8 digits ("${num.slice(0, 40)}")`);
  const id = `ISRCTN${num}`;
  const desc = first(trial, 'trialDescription');
  const title = t(desc, 'title') || t(desc, 'scientificTitle');
  if (!title) throw new MappingError(`${id}: trialDescription/title is empty`);
  const refs = first(trial, 'externalRefs');
  const design = first(trial, 'trialDesign');
  const participants = first(trial, 'participants');

  const ids: (Identifier | undefined)[] = [{ type: 'isrctn', value: id }];
  for (const field of ['clinicalTrialsGovNumber', 'eudraCTNumber']) {
    for (const part of t(refs, field).split(/[,;\s]+/)) if (part && !/^nil known$/i.test(part)) ids.push(registryIdentifier(part));
  }
  const results = first(trial, 'results');
  const linkText = [
    t(results, 'publicationDetails'),
    ...all(first(trial, 'outputs'), 'output').flatMap((o) => [attr(first(o, 'externalLink'), 'url') ?? '', t(o, 'description')]),
  ].join(' \n ');
  ids.push(...publicationIds(linkText));

  const secondary = t(design, 'secondaryStudyDesign');
  const primary = t(design, 'primaryStudyDesign');
  const designText = `${t(design, 'studyDesign')} ${secondary}`;
  const allocation = /non[-\s]?randomi[sz]ed/i.test(designText) ? 'NON_RANDOMIZED' : /randomi[sz]ed/i.test(designText) ? 'RANDOMIZED' : undefined;
  const enrolment = Number(t(participants, 'totalFinalEnrolment') || t(participants, 'targetEnrolment'));
  // The date ISRCTN assigned the number: when the trial was registered.
  const assigned = dateOf(attr(first(trial, 'isrctn'), 'dateAssigned'));
  const registry: RegistryInfo = {
    ...(assigned ? { firstSubmitted: assigned } : {}),
    ...(primary ? { studyType: primary.toUpperCase() } : {}),
    ...(allocation ? { allocation } : {}),
    ...(t(design, 'overallStatusOverride') ? { overallStatus: t(design, 'overallStatusOverride') } : {}),
    ...(dateOf(t(design, 'overallStartDate')) ? { startDate: dateOf(t(design, 'overallStartDate')) } : {}),
    ...(dateOf(t(design, 'overallEndDate')) ? { completionDate: dateOf(t(design, 'overallEndDate')) } : {}),
    ...(dateOf(attr(trial, 'lastUpdated')) ? { lastUpdatePosted: dateOf(attr(trial, 'lastUpdated')) } : {}),
    ...(Number.isFinite(enrolment) && enrolment > 0 ? { enrollment: { count: enrolment } } : {}),
    conditions: all(first(trial, 'conditions'), 'condition').map((c) => t(c, 'description')).filter(Boolean),
    interventions: all(first(trial, 'interventions'), 'intervention').map((i) => ({ name: t(i, 'description').slice(0, 500) || 'intervention', ...(t(i, 'interventionType') ? { type: t(i, 'interventionType').toUpperCase() } : {}) })),
    outcomes: [
      ...(t(desc, 'primaryOutcome') ? [{ kind: 'primary' as const, measure: t(desc, 'primaryOutcome').slice(0, 2000) }] : []),
      ...(t(desc, 'secondaryOutcome') ? [{ kind: 'secondary' as const, measure: t(desc, 'secondaryOutcome').slice(0, 2000) }] : []),
    ],
    ...(t(desc, 'acronym') ? { acronym: t(desc, 'acronym') } : {}),
    ...(t(refs, 'protocolSerialNumber') && !/^nil known$/i.test(t(refs, 'protocolSerialNumber')) ? { orgStudyId: t(refs, 'protocolSerialNumber') } : {}),
  };
  const summary = [t(desc, 'plainEnglishSummary'), t(desc, 'studyHypothesis')].filter(Boolean).join('\n');
  const year = assigned?.year;
  return {
    source: 'isrctn',
    sourceId: id,
    kind: 'registration',
    title,
    ...(t(desc, 'scientificTitle') && t(desc, 'scientificTitle') !== title ? { officialTitle: t(desc, 'scientificTitle') } : {}),
    ...(summary ? { abstract: summary.slice(0, 20_000) } : {}),
    authors: [],
    ...(year ? { year } : {}),
    dates: { ...(assigned ? { entrez: assigned } : {}), ...(registry.lastUpdatePosted ? { revised: registry.lastUpdatePosted } : {}) },
    identifiers: uniqueIdentifiers(ids),
    publicationTypes: [],
    mesh: [],
    keywords: [],
    corrections: [],
    registry,
  };
}

/** Parses the trials of a checked envelope: each either a record or a quarantined malformed one. */
export function parseIsrctnTrials(env: IsrctnEnvelope): { records: SourceRecord[]; malformed: MalformedRecord[] } {
  const records: SourceRecord[] = [];
  const malformed: MalformedRecord[] = [];
  env.trials.forEach((raw, i) => {
    try {
      const nodes = parseXml(raw);
      const el = nodes.find((n) => 'fullTrial' in n);
      if (!el || nodes.filter((n) => !('#text' in n)).length !== 1) throw new MappingError('expected exactly one fullTrial element');
      records.push(mapTrial(el));
    } catch (e) {
      malformed.push({ source: 'isrctn', id: env.ids[i], reason: (e as Error).message, raw: raw.slice(0, 300_000) });
    }
  });
  return { records, malformed };
}

/** The `q` of an incremental query: the review's search, edited on or after `from` (YYYY-MM-DD). */
export function isrctnQuery(query: string, from: string): string {
  return `(${query}) AND lastEdited GE ${from}T00:00:00`;
}
