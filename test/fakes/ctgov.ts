/**
 * A fake ClinicalTrials.gov API v2 (real node:http): `GET /studies` with query.cond / query.intr /
 * query.term (substring match), filter.advanced (StudyType, DesignAllocation and a
 * LastUpdatePostDate RANGE are evaluated; anything else is accepted and ignored), pageSize ≤ 1000,
 * opaque pageToken paging that insists later pages repeat the first page's parameters (400
 * text/plain otherwise), countTotal on the first page, optionally an empty last page; and
 * `GET /studies/{nctId}`. Studies are the API's JSON objects (results values as strings).
 *
 *   const ct = await startFakeCtgov({ studies: [fakeStudy({ nctId: 'NCT01234567', results: … })] });
 *   process.env.CTGOV_API_URL = ct.url;
 */
import { createHash } from 'node:crypto';
import { rng, startServer, type Fault, type FakeServerBase, type Handled } from './common.js';

export type FakeStudyJson = Record<string, unknown> & { protocolSection: Record<string, unknown> };

export interface FakeStudySpec {
  nctId: string;
  briefTitle?: string;
  officialTitle?: string;
  orgStudyId?: string;
  secondaryIds?: { id: string; type?: string; domain?: string }[];
  conditions?: string[];
  keywords?: string[];
  studyType?: string; // INTERVENTIONAL
  allocation?: string; // RANDOMIZED
  overallStatus?: string;
  startDate?: string;
  completionDate?: string;
  firstSubmitted?: string;
  lastUpdate?: string; // YYYY-MM-DD
  enrollment?: number;
  arms?: { label: string; type: string; description?: string; interventionNames?: string[] }[];
  interventions?: { type: string; name: string; description?: string; armGroupLabels?: string[] }[];
  primaryOutcomes?: { measure: string; timeFrame?: string; description?: string }[];
  references?: { pmid?: string; type: string; citation: string; retractions?: { pmid?: string; source?: string }[] }[];
  official?: string;
  /** Posted results: one measure per entry. */
  results?: {
    title: string;
    timeFrame?: string;
    paramType: string;
    dispersionType: string;
    unit?: string;
    groups: { id: string; title: string; n: number; value: string; spread?: string; lowerLimit?: string; upperLimit?: string }[];
  }[];
}

/** A study as the API returns it. */
export function fakeStudy(s: FakeStudySpec): FakeStudyJson {
  const lastUpdate = s.lastUpdate ?? '2025-01-15';
  const arms = s.arms ?? [
    { label: 'Digital intervention', type: 'EXPERIMENTAL', description: 'Self-guided smartphone app, 8 weeks', interventionNames: ['Behavioral: App'] },
    { label: 'Wait-list control', type: 'NO_INTERVENTION', description: 'Access after 8 weeks' },
  ];
  const study: FakeStudyJson = {
    protocolSection: {
      identificationModule: {
        nctId: s.nctId,
        orgStudyIdInfo: { id: s.orgStudyId ?? `ORG-${s.nctId.slice(-4)}` },
        ...(s.secondaryIds ? { secondaryIdInfos: s.secondaryIds } : {}),
        organization: { fullName: 'Example University', class: 'OTHER' },
        briefTitle: s.briefTitle ?? `Smartphone App for Depressive Symptoms (${s.nctId})`,
        officialTitle: s.officialTitle ?? `A Randomized Controlled Trial of a Self-guided Smartphone App for Depressive Symptoms (${s.nctId})`,
      },
      statusModule: {
        statusVerifiedDate: lastUpdate.slice(0, 7),
        overallStatus: s.overallStatus ?? 'COMPLETED',
        startDateStruct: { date: s.startDate ?? '2021-03', type: 'ACTUAL' },
        primaryCompletionDateStruct: { date: s.completionDate ?? '2022-06-30', type: 'ACTUAL' },
        completionDateStruct: { date: s.completionDate ?? '2022-06-30', type: 'ACTUAL' },
        studyFirstSubmitDate: s.firstSubmitted ?? '2021-01-20',
        studyFirstPostDateStruct: { date: s.firstSubmitted ?? '2021-01-26', type: 'ACTUAL' },
        lastUpdateSubmitDate: lastUpdate,
        lastUpdatePostDateStruct: { date: lastUpdate, type: 'ACTUAL' },
        ...(s.results ? { resultsFirstSubmitDate: lastUpdate, resultsFirstPostDateStruct: { date: lastUpdate, type: 'ACTUAL' } } : {}),
      },
      sponsorCollaboratorsModule: { leadSponsor: { name: 'Example University', class: 'OTHER' } },
      descriptionModule: { briefSummary: 'This randomised trial tests whether a self-guided app reduces depressive symptoms compared with a wait-list.' },
      conditionsModule: { conditions: s.conditions ?? ['Depression'], keywords: s.keywords ?? ['mHealth', 'smartphone'] },
      designModule: {
        studyType: s.studyType ?? 'INTERVENTIONAL',
        phases: ['NA'],
        designInfo: {
          allocation: s.allocation ?? 'RANDOMIZED',
          interventionModel: 'PARALLEL',
          primaryPurpose: 'TREATMENT',
          maskingInfo: { masking: 'SINGLE', whoMasked: ['OUTCOMES_ASSESSOR'] },
        },
        enrollmentInfo: { count: s.enrollment ?? 200, type: 'ACTUAL' },
      },
      armsInterventionsModule: {
        armGroups: arms,
        interventions: s.interventions ?? [{ type: 'BEHAVIORAL', name: 'App', description: 'CBT-based self-help app', armGroupLabels: ['Digital intervention'] }],
      },
      outcomesModule: {
        primaryOutcomes: s.primaryOutcomes ?? [{ measure: 'Depressive symptoms (PHQ-9)', description: 'Patient Health Questionnaire-9, range 0-27', timeFrame: '8 weeks' }],
      },
      ...(s.references ? { referencesModule: { references: s.references } } : {}),
      ...(s.official ? { contactsLocationsModule: { overallOfficials: [{ name: s.official, affiliation: 'Example University', role: 'PRINCIPAL_INVESTIGATOR' }] } } : {}),
    },
    derivedSection: { miscInfoModule: { versionHolder: '2025-06-01' }, conditionBrowseModule: { meshes: [{ id: 'D003863', term: 'Depression' }] } },
    hasResults: !!s.results,
  };
  if (s.results) {
    study.resultsSection = {
      participantFlowModule: { groups: s.results[0].groups.map((g) => ({ id: g.id.replace('OG', 'FG'), title: g.title })) },
      outcomeMeasuresModule: {
        outcomeMeasures: s.results.map((m) => ({
          type: 'PRIMARY',
          title: m.title,
          description: 'Total score; higher scores mean more severe symptoms.',
          populationDescription: 'Intention to treat',
          reportingStatus: 'POSTED',
          paramType: m.paramType,
          dispersionType: m.dispersionType,
          unitOfMeasure: m.unit ?? 'score on a scale',
          timeFrame: m.timeFrame ?? '8 weeks',
          groups: m.groups.map((g) => ({ id: g.id, title: g.title, description: g.title })),
          denoms: [{ units: 'Participants', counts: m.groups.map((g) => ({ groupId: g.id, value: String(g.n) })) }],
          classes: [
            {
              categories: [
                {
                  measurements: m.groups.map((g) => ({
                    groupId: g.id,
                    value: g.value,
                    ...(g.spread !== undefined ? { spread: g.spread } : {}),
                    ...(g.lowerLimit !== undefined ? { lowerLimit: g.lowerLimit } : {}),
                    ...(g.upperLimit !== undefined ? { upperLimit: g.upperLimit } : {}),
                  })),
                },
              ],
            },
          ],
        })),
      },
    };
  }
  return study;
}

export function generateStudies(count: number, seed = 1, opts: { from?: string; to?: string } = {}): FakeStudyJson[] {
  const r = rng(seed);
  const today = Math.floor(Date.now() / 86_400_000);
  const from = opts.from ? Math.floor(Date.parse(`${opts.from}T00:00:00Z`) / 86_400_000) : today - 365;
  const to = opts.to ? Math.floor(Date.parse(`${opts.to}T00:00:00Z`) / 86_400_000) : today - 1;
  return Array.from({ length: count }, (_, i) => {
    const nct = `NCT05${String(100_000 + i).padStart(6, '0')}`;
    const lastUpdate = new Date((from + Math.floor(r() * (to - from + 1))) * 86_400_000).toISOString().slice(0, 10);
    const withResults = r() < 0.3;
    return fakeStudy({
      nctId: nct,
      lastUpdate,
      startDate: r() < 0.5 ? '2021' : r() < 0.5 ? '2021-05' : '2021-05-17',
      allocation: r() < 0.9 ? 'RANDOMIZED' : 'NON_RANDOMIZED',
      secondaryIds: r() < 0.2 ? [{ id: `ISRCTN${String(10_000_000 + i)}`, type: 'REGISTRY', domain: 'ISRCTN' }] : undefined,
      ...(withResults
        ? {
            results: [
              {
                title: 'Change in Depressive Symptoms (PHQ-9)',
                paramType: 'MEAN',
                dispersionType: 'Standard Deviation',
                groups: [
                  { id: 'OG000', title: 'Digital intervention', n: 60 + Math.floor(r() * 40), value: (8 + r() * 3).toFixed(1), spread: (4 + r()).toFixed(1) },
                  { id: 'OG001', title: 'Wait-list control', n: 60 + Math.floor(r() * 40), value: (10 + r() * 3).toFixed(1), spread: (4 + r()).toFixed(1) },
                ],
              },
            ],
          }
        : {}),
    });
  });
}

export interface FakeCtgovOptions {
  studies?: FakeStudyJson[];
  count?: number;
  seed?: number;
  faults?: Fault[];
  /** Serve an extra, empty last page when the results fill the pages exactly. */
  emptyLastPage?: boolean;
  /** Raw study entries to splice into the first page (malformed-record tests). */
  rawStudies?: unknown[];
}

export interface FakeCtgov extends FakeServerBase {
  studies: FakeStudyJson[];
  upsert(s: FakeStudyJson): void;
}

const idOf = (s: FakeStudyJson) => String((s.protocolSection.identificationModule as { nctId: string }).nctId);
const lastUpdateOf = (s: FakeStudyJson) => String(((s.protocolSection.statusModule as Record<string, unknown>).lastUpdatePostDateStruct as { date: string }).date);

function matches(s: FakeStudyJson, p: URLSearchParams): boolean {
  const text = JSON.stringify(s.protocolSection).toLowerCase();
  const termOk = (q: string | null) => {
    if (!q) return true;
    // The fake accepts a study when any OR-alternative word appears (Essie is far richer).
    const words = q
      .toLowerCase()
      .replace(/[()"]/g, ' ')
      .split(/\s+(?:or|and)\s+|\s+/)
      .filter((w) => w.length > 2 && !['and', 'or', 'not'].includes(w));
    return words.length === 0 || words.some((w) => text.includes(w));
  };
  if (!termOk(p.get('query.cond')) || !termOk(p.get('query.intr')) || !termOk(p.get('query.term'))) return false;
  const adv = p.get('filter.advanced') ?? '';
  const design = s.protocolSection.designModule as { studyType?: string; designInfo?: { allocation?: string } };
  const st = adv.match(/AREA\[StudyType\]\s*(\w+)/i);
  if (st && design.studyType?.toUpperCase() !== st[1].toUpperCase()) return false;
  const al = adv.match(/AREA\[DesignAllocation\]\s*(\w+)/i);
  if (al && design.designInfo?.allocation?.toUpperCase() !== al[1].toUpperCase()) return false;
  const range = adv.match(/AREA\[LastUpdatePostDate\]\s*RANGE\[([^,\]]+),\s*([^\]]+)\]/i);
  if (range) {
    const d = lastUpdateOf(s);
    if (range[1] !== 'MIN' && d < range[1]) return false;
    if (range[2] !== 'MAX' && d > range[2]) return false;
  }
  return true;
}

export async function startFakeCtgov(opts: FakeCtgovOptions = {}): Promise<FakeCtgov> {
  const studies = opts.studies ? [...opts.studies] : generateStudies(opts.count ?? 50, opts.seed ?? 1);
  const paramsKey = (p: URLSearchParams) => {
    const q = new URLSearchParams(p);
    q.delete('pageToken');
    q.delete('countTotal');
    return createHash('sha256').update([...q.entries()].sort().map(([k, v]) => `${k}=${v}`).join('&')).digest('hex').slice(0, 16);
  };
  const handle = (method: string, path: string, p: URLSearchParams): Handled => {
    if (method !== 'GET') return { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' };
    const one = path.match(/\/studies\/(NCT\d{8})$/);
    if (one) {
      const s = studies.find((x) => idOf(x) === one[1]);
      return s ? { status: 200, contentType: 'application/json', body: JSON.stringify(s) } : { status: 404, contentType: 'text/plain', body: `NCT number ${one[1]} not found` };
    }
    if (!path.endsWith('/studies')) return { status: 404, contentType: 'text/plain', body: 'Not Found' };
    const pageSize = Number(p.get('pageSize') ?? '10');
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
      return { status: 400, contentType: 'text/plain', body: `pageSize: must be between 0 and 1000, got ${p.get('pageSize')}` };
    }
    const key = paramsKey(p);
    let offset = 0;
    const token = p.get('pageToken');
    if (token) {
      const m = token.match(/^([0-9a-f]{16})_(\d+)$/);
      if (!m) return { status: 400, contentType: 'text/plain', body: `pageToken: invalid value ${token}` };
      if (m[1] !== key) return { status: 400, contentType: 'text/plain', body: 'pageToken: parameters differ from the first page request' };
      offset = Number(m[2]);
    }
    const hits = studies.filter((s) => matches(s, p)).sort((a, b) => lastUpdateOf(a).localeCompare(lastUpdateOf(b)) || idOf(a).localeCompare(idOf(b)));
    const size = pageSize || 10;
    const page: unknown[] = hits.slice(offset, offset + size);
    if (offset === 0 && opts.rawStudies) page.unshift(...opts.rawStudies);
    const end = offset + size;
    const more = end < hits.length || (!!opts.emptyLastPage && end === hits.length && hits.length > 0);
    const body: Record<string, unknown> = {
      ...(!token && p.get('countTotal') === 'true' ? { totalCount: hits.length } : {}),
      studies: page,
      ...(more ? { nextPageToken: `${key}_${end}` } : {}),
    };
    return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
  };
  const base = await startServer(handle, {
    faults: opts.faults,
    errorDoc: () => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL', message: 'temporary failure' } }) }),
  });
  return {
    ...base,
    studies,
    upsert(s: FakeStudyJson) {
      const i = studies.findIndex((x) => idOf(x) === idOf(s));
      if (i >= 0) studies[i] = s;
      else studies.push(s);
    },
  };
}
