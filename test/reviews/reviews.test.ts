import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  alignToOutcome,
  alignToOutcomeDetailed,
  displaySign,
  favoursIntervention,
  instrumentDirection,
  parseReview,
  ReviewValidationError,
  type Review,
} from '../../core/reviews/index.js';
import { ALL_REVIEWS, getReview, REVIEW_FILES, UnknownReviewError } from '../../reviews/index.js';

const reviewsDir = join(dirname(fileURLToPath(import.meta.url)), '../../reviews');
const jsonFiles = readdirSync(reviewsDir).filter((f) => f.endsWith('.json'));
const clone = <T>(v: T): T => structuredClone(v);

function errorOf(fn: () => unknown): ReviewValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReviewValidationError);
    return e as ReviewValidationError;
  }
  throw new Error('expected a ReviewValidationError, nothing was thrown');
}

describe('reviews/ index', () => {
  it('holds every reviews/*.json file, each valid and with id = file name', () => {
    expect(jsonFiles.sort()).toEqual(Object.keys(REVIEW_FILES).sort());
    expect(jsonFiles.length).toBeGreaterThanOrEqual(4);
    for (const f of jsonFiles) {
      const raw = JSON.parse(readFileSync(join(reviewsDir, f), 'utf8'));
      const r = parseReview(raw, `reviews/${f}`);
      expect(r.id).toBe(f.replace(/\.json$/, ''));
      // the statically imported copy is the file on disk
      expect(REVIEW_FILES[f]).toEqual(raw);
    }
    expect(ALL_REVIEWS.map((r) => r.id).sort()).toEqual(
      ['cancer-digital', 'china-internet-map', 'hcp-emental-health', 'selfguided-depression'].sort(),
    );
  });

  it('getReview finds a review and names the known ids for an unknown one', () => {
    expect(getReview('cancer-digital').shortTitle).toBe('Patients with cancer');
    expect(() => getReview('nope')).toThrow(UnknownReviewError);
    expect(() => getReview('nope')).toThrow(/hcp-emental-health/);
  });
});

describe('parseReview errors name the file and the JSON path', () => {
  const base = () => clone(REVIEW_FILES['hcp-emental-health.json']) as Record<string, any>;

  it('wrong enum deep inside outcomes', () => {
    const raw = base();
    raw.outcomes[2].instruments[0].direction = 'down';
    const e = errorOf(() => parseReview(raw, 'reviews/hcp-emental-health.json'));
    expect(e.message).toBe(
      'reviews/hcp-emental-health.json: outcomes[2].instruments[0].direction: expected "lower-is-better" | "higher-is-better"',
    );
  });

  it('several wrong fields are all reported, one per line', () => {
    const raw = base();
    delete raw.title;
    raw.analysis.method = 'FE';
    raw.moderators[0].type = 'ordinal';
    raw.baseline[0].k = '11';
    raw.extraField = 1;
    const e = errorOf(() => parseReview(raw, 'reviews/hcp-emental-health.json'));
    const lines = e.message.split('\n');
    expect(lines).toContain('reviews/hcp-emental-health.json: title: required (string)');
    expect(lines).toContain('reviews/hcp-emental-health.json: analysis.method: expected "REML" | "DL" | "PM"');
    expect(lines).toContain('reviews/hcp-emental-health.json: moderators[0].type: expected "categorical" | "numeric"');
    expect(lines).toContain('reviews/hcp-emental-health.json: baseline[0].k: expected number, got string');
    expect(lines).toContain('reviews/hcp-emental-health.json: extraField: unknown field');
    expect(e.issues.length).toBe(lines.length);
  });

  it('id must equal the file name', () => {
    const e = errorOf(() => parseReview(base(), 'reviews/other-name.json'));
    expect(e.message).toMatch(/^reviews\/other-name\.json: id: must equal the file name without \.json \("other-name"\)/);
  });

  it('cross references are checked', () => {
    const raw = base();
    raw.subgroups.push('no-such-moderator');
    raw.metaRegression.push('occupation');
    raw.baseline[1].outcome = 'nothing';
    raw.baseline[2].estimate = 5;
    raw.outcomes[1].id = raw.outcomes[0].id;
    raw.outcomes.forEach((o: any) => (o.primary = false));
    const msg = errorOf(() => parseReview(raw, 'reviews/hcp-emental-health.json')).message;
    expect(msg).toContain(`subgroups[${raw.subgroups.length - 1}]: unknown moderator id "no-such-moderator"`);
    expect(msg).toContain(`metaRegression[${raw.metaRegression.length - 1}]: moderator "occupation" is not numeric`);
    expect(msg).toContain('baseline[1].outcome: unknown outcome id "nothing"');
    expect(msg).toContain('baseline[2].estimate: estimate must lie within [ciLower, ciUpper]');
    expect(msg).toContain('outcomes[1].id: duplicate id "stress"');
    expect(msg).toContain('outcomes: at least one outcome must be primary');
  });

  it('an evidence map needs its map dimensions', () => {
    const raw = clone(REVIEW_FILES['china-internet-map.json']) as Record<string, any>;
    delete raw.map;
    expect(errorOf(() => parseReview(raw, 'reviews/china-internet-map.json')).message).toBe(
      'reviews/china-internet-map.json: map: required when kind is "evidence-map"',
    );
  });

  it('a non-object is rejected with a message', () => {
    expect(errorOf(() => parseReview(null, 'reviews/x.json')).message).toMatch(/^reviews\/x\.json: \(root\): expected object/);
  });
});

describe('the seed reviews say what the brief says', () => {
  it('searches combine topic terms with the Cochrane highly sensitive RCT filter, ctgov asks for randomised studies', () => {
    for (const r of ALL_REVIEWS) {
      expect(r.searches.pubmed.query).toContain(
        '(randomized controlled trial[pt] OR controlled clinical trial[pt] OR randomized[tiab] OR placebo[tiab] OR drug therapy[sh] OR randomly[tiab] OR trial[tiab] OR groups[tiab]) NOT (animals[mh] NOT humans[mh])',
      );
      expect(r.searches.ctgov.advanced).toMatch(/AREA\[StudyType\]INTERVENTIONAL AND AREA\[DesignAllocation\]RANDOMIZED/);
      // balanced parentheses and quotes: a malformed query would fail at PubMed
      let depth = 0;
      for (const ch of r.searches.pubmed.query) {
        depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
      expect((r.searches.pubmed.query.match(/"/g) ?? []).length % 2).toBe(0);
    }
  });

  it('published baselines as in seed-reviews.md', () => {
    const b = (id: string) => getReview(id).baseline.map((x) => [x.outcome, x.estimate, x.ciLower, x.ciUpper, x.k]);
    expect(b('hcp-emental-health')).toEqual([
      ['stress', -1.21, -1.85, -0.56, 11],
      ['anxiety', -0.83, -1.29, -0.37, 10],
      ['depression', -0.3, -0.49, -0.11, 9],
      ['emotional-exhaustion', -0.91, -1.33, -0.5, null],
      ['wellbeing', 0.38, 0.01, 0.75, null],
    ]);
    expect(getReview('hcp-emental-health').baseline[0]).toMatchObject({ participants: 1263, i2: 96 });
    expect(b('cancer-digital')).toEqual([
      ['depression', -0.48, -1.0, 0.03, 9],
      ['anxiety', -0.61, -1.29, 0.06, 8],
    ]);
    expect(getReview('selfguided-depression').baseline).toEqual([]);
    expect(getReview('selfguided-depression').baselineNote).toMatch(/No published baseline we could verify/);
    expect(getReview('hcp-emental-health').screening.dual).toBe(true);
  });

  it('every baseline estimate favours the intervention in its outcome direction as published', () => {
    for (const r of ALL_REVIEWS)
      for (const b of r.baseline) expect(favoursIntervention(r, b.outcome, b.estimate)).toBe(true);
  });
});

describe('direction helpers', () => {
  const hcp = getReview('hcp-emental-health');
  const synthetic: Review = {
    ...hcp,
    outcomes: [
      {
        id: 'burnout',
        label: 'Burnout',
        primary: true,
        direction: 'lower-is-better',
        timepoint: { rule: 'post', preferred: 'post' },
        instruments: [
          { name: 'MBI emotional exhaustion', aliases: ['MBI-EE'], direction: 'lower-is-better' },
          { name: 'MBI personal accomplishment', aliases: ['MBI-PA'], direction: 'higher-is-better' },
        ],
      },
    ],
  };

  it('instrumentDirection is alias-aware and case-insensitive', () => {
    expect(instrumentDirection(hcp, 'depression', 'phq-9')).toBe('lower-is-better');
    expect(instrumentDirection(hcp, 'depression', 'bdi 2')).toBe('lower-is-better');
    expect(instrumentDirection(hcp, 'personal-accomplishment', 'mbi-pa')).toBe('higher-is-better');
    expect(instrumentDirection(hcp, 'work-engagement', 'UWES-9')).toBe('higher-is-better');
    expect(instrumentDirection(hcp, 'depression', 'unknown scale')).toBeUndefined();
    expect(() => instrumentDirection(hcp, 'nope', 'PHQ-9')).toThrow(/has no outcome "nope"/);
  });

  it('displaySign: negative favours the intervention for lower-is-better outcomes', () => {
    expect(displaySign(hcp, 'stress')).toBe(-1);
    expect(displaySign(hcp, 'personal-accomplishment')).toBe(1);
    expect(displaySign(hcp, 'wellbeing')).toBe(1);
  });

  it('alignToOutcome flips only instruments that run against their outcome', () => {
    expect(alignToOutcome(synthetic, 'burnout', 'MBI-EE', -0.4)).toBe(-0.4);
    expect(alignToOutcome(synthetic, 'burnout', 'mbi-pa', 0.4)).toBe(-0.4);
    expect(alignToOutcomeDetailed(synthetic, 'burnout', 'MBI-PA', 0.4)).toEqual({ yi: -0.4, flipped: true, known: true });
    expect(alignToOutcomeDetailed(synthetic, 'burnout', 'OLBI', 0.4)).toEqual({ yi: 0.4, flipped: false, known: false });
    expect(alignToOutcome(hcp, 'personal-accomplishment', 'MBI-PA', 0.4)).toBe(0.4);
    // GHQ-12 (lower = better) measuring well-being (higher = better)
    expect(alignToOutcome(hcp, 'wellbeing', 'GHQ-12', -0.3)).toBe(0.3);
  });
});
