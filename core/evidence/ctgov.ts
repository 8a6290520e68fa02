/**
 * ClinicalTrials.gov API v2 study JSON → SourceRecord. Pure.
 * Every value in a results section is a string upstream; numbers are parsed here and kept raw too.
 */
import type { Identifier } from './candidate.js';
import { identifier, registryIdentifier, uniqueIdentifiers } from './identity.js';
import type { PartialDate, PostedOutcome, RegistryInfo, SourceRecord } from './record.js';
import { collapseWhitespace, normalisePmid } from './text.js';

type J = Record<string, unknown>;

export class CtgovMappingError extends Error {
  override name = 'CtgovMappingError';
}

const obj = (v: unknown): J | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? collapseWhitespace(v) : typeof v === 'number' ? String(v) : undefined);

/** `yyyy`, `yyyy-MM` or `yyyy-MM-dd` (also the legacy "March 2021" / "March 5, 2021"). */
export function ctgovDate(v: unknown): PartialDate | undefined {
  const s = str(typeof v === 'object' ? obj(v)?.date : v);
  if (!s) return undefined;
  const m = s.match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/);
  if (m) {
    const year = Number(m[1]);
    return { iso: s, year };
  }
  const legacy = s.match(/^([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})$/);
  if (legacy) {
    const months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
    const mi = months.indexOf(legacy[1].toLowerCase());
    if (mi >= 0) {
      const iso = `${legacy[3]}-${String(mi + 1).padStart(2, '0')}${legacy[2] ? `-${legacy[2].padStart(2, '0')}` : ''}`;
      return { iso, year: Number(legacy[3]), text: s };
    }
  }
  return { text: s };
}

function withType(d: PartialDate | undefined, v: unknown): PartialDate | undefined {
  const t = str(obj(v)?.type);
  return d && t ? { ...d, text: d.text ?? t } : d;
}

/** Parses a posted value ("12.3", "NA", "-1.5") to a finite number, or undefined. */
export function postedNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/,/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function mapResults(study: J): PostedOutcome[] | undefined {
  const measures = arr(obj(obj(study.resultsSection)?.outcomeMeasuresModule)?.outcomeMeasures);
  if (measures.length === 0) return undefined;
  const out: PostedOutcome[] = [];
  for (const mRaw of measures) {
    const m = obj(mRaw);
    if (!m) continue;
    const title = str(m.title);
    if (!title) continue;
    const groups = arr(m.groups)
      .map(obj)
      .filter((g): g is J => !!g && !!str(g.id))
      .map((g) => ({ id: str(g.id) as string, title: str(g.title) ?? (str(g.id) as string), ...(str(g.description) ? { description: str(g.description) } : {}) }));
    const nByGroup = new Map<string, number>();
    const denom = obj(arr(m.denoms)[0]);
    for (const c of arr(denom?.counts)) {
      const co = obj(c);
      const n = postedNumber(co?.value);
      if (co && str(co.groupId) && n !== undefined) nByGroup.set(str(co.groupId) as string, n);
    }
    // The first class / first category holds the overall measurement (others are breakdowns).
    const cls = obj(arr(m.classes)[0]);
    const cat = obj(arr(cls?.categories)[0]);
    const measurements = arr(cat?.measurements)
      .map(obj)
      .filter((x): x is J => !!x && !!str(x.groupId))
      .map((x) => {
        const groupId = str(x.groupId) as string;
        const value = postedNumber(x.value);
        const spread = postedNumber(x.spread);
        const lowerLimit = postedNumber(x.lowerLimit);
        const upperLimit = postedNumber(x.upperLimit);
        const n = nByGroup.get(groupId);
        return {
          groupId,
          ...(n !== undefined ? { n } : {}),
          ...(value !== undefined ? { value } : {}),
          ...(spread !== undefined ? { spread } : {}),
          ...(lowerLimit !== undefined ? { lowerLimit } : {}),
          ...(upperLimit !== undefined ? { upperLimit } : {}),
          raw: [x.value, x.spread, x.lowerLimit, x.upperLimit].map((v) => (v === undefined ? '' : String(v))).join('|'),
        };
      });
    out.push({
      ...(str(m.type) ? { type: str(m.type) } : {}),
      title,
      ...(str(m.description) ? { description: str(m.description) } : {}),
      ...(str(m.timeFrame) ? { timeFrame: str(m.timeFrame) } : {}),
      ...(str(m.paramType) ? { paramType: str(m.paramType) } : {}),
      ...(str(m.dispersionType) ? { dispersionType: str(m.dispersionType) } : {}),
      ...(str(m.unitOfMeasure) ? { unit: str(m.unitOfMeasure) } : {}),
      groups,
      measurements,
    });
  }
  return out;
}

/** Maps one study of `GET /studies` (or `GET /studies/{nctId}`). Throws CtgovMappingError naming the field. */
export function mapCtgovStudy(input: unknown): SourceRecord {
  const study = obj(input);
  if (!study) throw new CtgovMappingError('study is not a JSON object');
  const ps = obj(study.protocolSection);
  if (!ps) throw new CtgovMappingError('protocolSection is missing');
  const idm = obj(ps.identificationModule) ?? {};
  const nct = str(idm.nctId);
  if (!nct || !/^NCT\d{8}$/.test(nct)) throw new CtgovMappingError(`protocolSection.identificationModule.nctId is missing or invalid (${JSON.stringify(idm.nctId ?? null)})`);
  const title = str(idm.briefTitle) ?? str(idm.officialTitle);
  if (!title) throw new CtgovMappingError(`${nct}: protocolSection.identificationModule.briefTitle is missing`);

  const sm = obj(ps.statusModule) ?? {};
  const dm = obj(ps.designModule) ?? {};
  const di = obj(dm.designInfo) ?? {};
  const aim = obj(ps.armsInterventionsModule) ?? {};
  const om = obj(ps.outcomesModule) ?? {};
  const rm = obj(ps.referencesModule) ?? {};
  const cm = obj(ps.conditionsModule) ?? {};
  const desc = obj(ps.descriptionModule) ?? {};
  const sponsor = str(obj(obj(ps.sponsorCollaboratorsModule)?.leadSponsor)?.name);
  const officials = arr(obj(ps.contactsLocationsModule)?.overallOfficials).map(obj);

  const ids: (Identifier | undefined)[] = [{ type: 'nct', value: nct }];
  const secondaryIds = arr(idm.secondaryIdInfos)
    .map(obj)
    .filter((s): s is J => !!s && !!str(s.id))
    .map((s) => ({ id: str(s.id) as string, ...(str(s.type) ? { type: str(s.type) } : {}), ...(str(s.domain) ? { domain: str(s.domain) } : {}) }));
  for (const s of secondaryIds) ids.push(registryIdentifier(s.id));
  const orgStudyId = str(obj(idm.orgStudyIdInfo)?.id);
  if (orgStudyId) ids.push(registryIdentifier(orgStudyId));

  const references = arr(rm.references)
    .map(obj)
    .filter((r): r is J => !!r)
    .map((r) => {
      const pmid = normalisePmid(str(r.pmid));
      const retractions = arr(r.retractions)
        .map(obj)
        .filter((x): x is J => !!x)
        .map((x) => ({ ...(normalisePmid(str(x.pmid)) ? { pmid: normalisePmid(str(x.pmid)) } : {}), ...(str(x.source) ? { source: str(x.source) } : {}) }));
      return {
        ...(pmid ? { pmid } : {}),
        ...(str(r.type) ? { type: str(r.type) } : {}),
        ...(str(r.citation) ? { citation: str(r.citation) } : {}),
        ...(retractions.length ? { retractions } : {}),
      };
    });
  // Publications reporting this study (RESULT, or DERIVED from PubMed's own DataBankList) link to it.
  for (const r of references) if (r.pmid && (r.type === 'RESULT' || r.type === 'DERIVED')) ids.push(identifier('pmid', r.pmid));
  const retractedResults = references.filter((r) => (r.type === 'RESULT' || r.type === 'DERIVED') && r.retractions?.length);

  const registry: RegistryInfo = {
    ...(str(dm.studyType) ? { studyType: str(dm.studyType) } : {}),
    ...(str(di.allocation) ? { allocation: str(di.allocation) } : {}),
    ...(str(di.interventionModel) ? { interventionModel: str(di.interventionModel) } : {}),
    ...(str(di.primaryPurpose) ? { primaryPurpose: str(di.primaryPurpose) } : {}),
    ...(str(obj(di.maskingInfo)?.masking) ? { masking: str(obj(di.maskingInfo)?.masking) } : {}),
    ...(str(sm.overallStatus) ? { overallStatus: str(sm.overallStatus) } : {}),
    ...(arr(dm.phases).length ? { phases: arr(dm.phases).map(str).filter((x): x is string => !!x) } : {}),
    ...(ctgovDate(sm.startDateStruct) ? { startDate: withType(ctgovDate(sm.startDateStruct), sm.startDateStruct) } : {}),
    ...(ctgovDate(sm.completionDateStruct) ? { completionDate: withType(ctgovDate(sm.completionDateStruct), sm.completionDateStruct) } : {}),
    ...(ctgovDate(sm.primaryCompletionDateStruct) ? { primaryCompletionDate: withType(ctgovDate(sm.primaryCompletionDateStruct), sm.primaryCompletionDateStruct) } : {}),
    ...(ctgovDate(sm.studyFirstSubmitDate) ? { firstSubmitted: ctgovDate(sm.studyFirstSubmitDate) } : {}),
    ...(ctgovDate(sm.lastUpdatePostDateStruct) ? { lastUpdatePosted: ctgovDate(sm.lastUpdatePostDateStruct) } : {}),
    ...(ctgovDate(sm.resultsFirstPostDateStruct) ? { resultsFirstPosted: ctgovDate(sm.resultsFirstPostDateStruct) } : {}),
    ...(obj(dm.enrollmentInfo)
      ? {
          enrollment: {
            ...(postedNumber(obj(dm.enrollmentInfo)?.count) !== undefined ? { count: postedNumber(obj(dm.enrollmentInfo)?.count) } : {}),
            ...(str(obj(dm.enrollmentInfo)?.type) ? { type: str(obj(dm.enrollmentInfo)?.type) } : {}),
          },
        }
      : {}),
    ...(arr(cm.conditions).length ? { conditions: arr(cm.conditions).map(str).filter((x): x is string => !!x) } : {}),
    arms: arr(aim.armGroups)
      .map(obj)
      .filter((a): a is J => !!a && !!str(a.label))
      .map((a) => ({
        label: str(a.label) as string,
        ...(str(a.type) ? { type: str(a.type) } : {}),
        ...(str(a.description) ? { description: str(a.description) } : {}),
        ...(arr(a.interventionNames).length ? { interventionNames: arr(a.interventionNames).map(str).filter((x): x is string => !!x) } : {}),
      })),
    interventions: arr(aim.interventions)
      .map(obj)
      .filter((a): a is J => !!a && !!str(a.name))
      .map((a) => ({
        name: str(a.name) as string,
        ...(str(a.type) ? { type: str(a.type) } : {}),
        ...(str(a.description) ? { description: str(a.description) } : {}),
        ...(arr(a.armGroupLabels).length ? { armGroupLabels: arr(a.armGroupLabels).map(str).filter((x): x is string => !!x) } : {}),
      })),
    outcomes: (
      [
        ['primary', om.primaryOutcomes],
        ['secondary', om.secondaryOutcomes],
        ['other', om.otherOutcomes],
      ] as const
    ).flatMap(([kind, list]) =>
      arr(list)
        .map(obj)
        .filter((o): o is J => !!o && !!str(o.measure))
        .map((o) => ({
          kind,
          measure: str(o.measure) as string,
          ...(str(o.description) ? { description: str(o.description) } : {}),
          ...(str(o.timeFrame) ? { timeFrame: str(o.timeFrame) } : {}),
        })),
    ),
    references,
    ...(orgStudyId ? { orgStudyId } : {}),
    ...(secondaryIds.length ? { secondaryIds } : {}),
    ...(str(idm.acronym) ? { acronym: str(idm.acronym) } : {}),
    ...(sponsor ? { sponsor } : {}),
    hasResults: study.hasResults === true,
  };

  const firstSubmitted = registry.firstSubmitted ?? registry.startDate;
  const official = officials.find((o) => o && str(o.name));
  const officialName = official ? (str(official.name) as string) : undefined;
  const surname = officialName
    ?.replace(/,.*$/, '')
    .replace(/\b(Dr|Prof|MD|PhD)\.?\b/gi, '')
    .trim()
    .split(/\s+/)
    .pop();
  const postedResults = study.hasResults === true ? mapResults(study) : undefined;
  const abstract = str(desc.briefSummary);
  const keywords = arr(cm.keywords).map(str).filter((x): x is string => !!x);

  return {
    source: 'ctgov',
    sourceId: nct,
    kind: 'registration',
    title,
    ...(str(idm.officialTitle) ? { officialTitle: str(idm.officialTitle) } : {}),
    ...(abstract ? { abstract } : {}),
    authors: officialName ? [officialName] : [],
    ...(surname ? { firstAuthor: surname } : {}),
    ...(firstSubmitted?.year ? { year: firstSubmitted.year } : {}),
    dates: {
      ...(registry.lastUpdatePosted ? { revised: registry.lastUpdatePosted } : {}),
      ...(registry.firstSubmitted ? { entrez: registry.firstSubmitted } : {}),
    },
    identifiers: uniqueIdentifiers(ids),
    publicationTypes: [],
    mesh: [],
    keywords,
    corrections: retractedResults.flatMap((r) => (r.retractions ?? []).map((x) => ({ type: 'RetractionOfResult', ...(x.pmid ? { pmid: x.pmid } : {}), ...(r.pmid ? { refSource: `results publication PMID ${r.pmid}` } : {}) }))),
    ...(retractedResults.length
      ? {
          retraction: {
            retracted: true as const,
            notice: `Results publication retracted: ${retractedResults
              .map((r) => `PMID ${r.pmid ?? '?'} (retraction ${(r.retractions ?? []).map((x) => (x.pmid ? `PMID ${x.pmid}` : x.source ?? 'notice')).join(', ')})`)
              .join('; ')}`,
          },
        }
      : {}),
    registry,
    ...(postedResults?.length ? { postedResults } : {}),
  };
}
