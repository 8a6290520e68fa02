/**
 * A source record: one PubMed article or one ClinicalTrials.gov registration, normalised to the
 * same shape so that identity, triage and candidate building do not care where it came from.
 * Pure data (stored as-is on the record item).
 */
import type { Identifier } from './candidate.js';

export type RecordSource = 'pubmed' | 'ctgov' | 'europepmc' | 'isrctn';

/**
 * A relation between this record and another version of the same trial report, with who stated it:
 * a preprint and the journal article it became (Europe PMC's or PubMed's own link), kept so that a
 * curator sees why two records are one study.
 */
export interface RecordRelation {
  /** `published-as`: this preprint became that publication; `preprint-of`: the reverse. */
  kind: 'published-as' | 'preprint-of';
  id: Identifier;
  /** Who stated it, e.g. `Europe PMC commentCorrection "Preprint in"`. */
  statedBy: string;
}

/** A date of any precision: `iso` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `text` as written upstream. */
export interface PartialDate {
  iso?: string;
  year?: number;
  text?: string;
}

export interface AbstractSection {
  label?: string;
  category?: string;
  text: string;
}

export interface Correction {
  /** PubMed RefType, e.g. RetractionIn, RetractionOf, ErratumIn, ExpressionOfConcernIn, UpdateIn. */
  type: string;
  refSource?: string;
  pmid?: string;
}

/** One posted outcome measure of a ClinicalTrials.gov results section, values as numbers. */
export interface PostedOutcome {
  type?: string; // PRIMARY | SECONDARY | OTHER_PRE_SPECIFIED | POST_HOC
  title: string;
  description?: string;
  timeFrame?: string;
  paramType?: string;
  dispersionType?: string;
  unit?: string;
  groups: { id: string; title: string; description?: string }[];
  /** Per group: analysed n (first denominators row), value and spread / limits as posted. */
  measurements: { groupId: string; n?: number; value?: number; spread?: number; lowerLimit?: number; upperLimit?: number; raw?: string }[];
}

export interface RegistryInfo {
  studyType?: string;
  allocation?: string;
  interventionModel?: string;
  primaryPurpose?: string;
  masking?: string;
  overallStatus?: string;
  phases?: string[];
  startDate?: PartialDate;
  completionDate?: PartialDate;
  primaryCompletionDate?: PartialDate;
  firstSubmitted?: PartialDate;
  lastUpdatePosted?: PartialDate;
  resultsFirstPosted?: PartialDate;
  enrollment?: { count?: number; type?: string };
  conditions?: string[];
  arms?: { label: string; type?: string; description?: string; interventionNames?: string[] }[];
  interventions?: { type?: string; name: string; description?: string; armGroupLabels?: string[] }[];
  outcomes?: { kind: 'primary' | 'secondary' | 'other'; measure: string; description?: string; timeFrame?: string }[];
  references?: { pmid?: string; type?: string; citation?: string; retractions?: { pmid?: string; source?: string }[] }[];
  orgStudyId?: string;
  secondaryIds?: { id: string; type?: string; domain?: string }[];
  acronym?: string;
  sponsor?: string;
  hasResults?: boolean;
}

export interface SourceRecord {
  source: RecordSource;
  /** PMID, NCT id, Europe PMC id (PPR…) or ISRCTN number. */
  sourceId: string;
  /** A preprint is a report that has not been peer-reviewed (yet). */
  kind: 'publication' | 'preprint' | 'registration';
  title: string;
  officialTitle?: string;
  abstract?: string;
  abstractSections?: AbstractSection[];
  /** "Surname Initials" or a collective name, in order. */
  authors: string[];
  /** Surname of the first author (or the collective name). */
  firstAuthor?: string;
  journal?: string;
  journalAbbrev?: string;
  /** Publication year (journal issue date, else e-pub date, else registration date). */
  year?: number;
  dates: {
    published?: PartialDate;
    electronic?: PartialDate;
    entrez?: PartialDate;
    revised?: PartialDate;
  };
  identifiers: Identifier[];
  publicationTypes: string[];
  mesh: string[];
  keywords: string[];
  corrections: Correction[];
  /** Set when the record itself is retracted. */
  retraction?: { retracted: true; notice: string };
  /** PMIDs this record is a retraction notice of (PubMed RetractionOf). */
  retracts?: string[];
  registry?: RegistryInfo;
  /** Stated links to other versions of the same report (preprint ↔ journal article). */
  relations?: RecordRelation[];
  /** Preprint server or publisher of a preprint (medRxiv, PsyArXiv, Research Square…). */
  server?: string;
  postedResults?: PostedOutcome[];
  language?: string[];
}

/** A record that could not be parsed or mapped: set aside with its raw body. */
export interface MalformedRecord {
  source: RecordSource;
  /** The record's id when it could be read, else a positional label. */
  id: string;
  reason: string;
  raw: string;
}

/** The part of a record that decides "changed or not" (everything: records are already normalised). */
export function recordContent(r: SourceRecord): SourceRecord {
  return r;
}
