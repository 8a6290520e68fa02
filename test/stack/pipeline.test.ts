/**
 * The whole product on the embedded default, as `npm start` runs it, against fake PubMed and
 * ClinicalTrials.gov servers: poll → queue → screen and accept over HTTP → stream → reanalysis →
 * snapshot → rebuilt dashboard. Then a kill -9 right after an acceptance: the restarted stack must
 * still publish that study. Then a retraction from poll to page: the next poll's retraction notice
 * takes the accepted trial out of the pooled analysis, visibly, and tells the curators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakePubmed, type FakeArticle, type FakePubmed } from '../fakes/pubmed.js';
import { fakeStudy, startFakeCtgov, type FakeCtgov } from '../fakes/ctgov.js';
import { startFakeEuropePmc, type FakeEuropePmc } from '../fakes/europepmc.js';
import { startFakeIsrctn, type FakeIsrctn } from '../fakes/isrctn.js';
import { startStack, killDynamoOn, eventually, type Stack } from './harness.js';

const REVIEW = 'cancer-digital';
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const trialArticle: FakeArticle = {
  pmid: '39100001',
  title: 'A smartphone mindfulness app for depressive symptoms in women with breast cancer: a randomized controlled trial',
  abstract: [
    { label: 'BACKGROUND', text: 'Depression is common after a cancer diagnosis.' },
    { label: 'METHODS', text: 'Women with breast cancer were randomly assigned to the app or a waiting list.' },
    { label: 'RESULTS', text: 'Depressive symptoms (PHQ-9) fell more in the app group.' },
  ],
  authors: [{ last: 'Rivera', fore: 'Ana', initials: 'A' }, { last: 'Okafor', fore: 'Chidi', initials: 'C' }],
  journal: 'Psycho-Oncology',
  pubDate: { year: 2026, month: 'Mar' },
  edat: day(-10),
  mdat: day(-10),
  doi: '10.1000/po.2026.001',
  dataBanks: [['ClinicalTrials.gov', 'NCT05550001']],
  publicationTypes: ['Journal Article', 'Randomized Controlled Trial'],
  mesh: ['Breast Neoplasms', 'Depression', 'Mobile Applications'],
};

const secondArticle: FakeArticle = {
  pmid: '39100002',
  title: 'Internet-delivered cognitive behavioural therapy for anxiety and depression in cancer survivors: randomised trial',
  abstract: [{ text: 'Cancer survivors were randomised to iCBT or usual care; depression was measured with HADS-D.' }],
  authors: [{ last: 'Lindqvist', fore: 'Maja', initials: 'M' }],
  journal: 'J Med Internet Res',
  pubDate: { year: 2025, season: 'Winter' },
  edat: day(-5),
  mdat: day(-5),
  publicationTypes: ['Journal Article', 'Randomized Controlled Trial'],
};

const registration = fakeStudy({
  nctId: 'NCT05550001',
  briefTitle: 'Mindfulness App for Depression in Breast Cancer',
  conditions: ['Breast Cancer', 'Depression'],
  studyType: 'INTERVENTIONAL',
  allocation: 'RANDOMIZED',
  overallStatus: 'COMPLETED',
  lastUpdate: day(-8),
  enrollment: 120,
  arms: [
    { label: 'App', type: 'EXPERIMENTAL', interventionNames: ['Behavioral: mindfulness app'] },
    { label: 'Waiting list', type: 'NO_INTERVENTION' },
  ],
  interventions: [{ type: 'BEHAVIORAL', name: 'mindfulness app', armGroupLabels: ['App'] }],
  references: [{ pmid: '39100001', type: 'RESULT', citation: 'Rivera A, et al. Psycho-Oncology 2026.' }],
  results: [
    {
      title: 'Depressive symptoms (PHQ-9)',
      timeFrame: 'Week 8',
      paramType: 'MEAN',
      dispersionType: 'Standard Deviation',
      unit: 'score on a scale',
      groups: [
        { id: 'OG000', title: 'App', n: 58, value: '7.9', spread: '4.1' },
        { id: 'OG001', title: 'Waiting list', n: 57, value: '10.2', spread: '4.6' },
      ],
    },
  ],
});

let pubmed: FakePubmed;
let ctgov: FakeCtgov;
let europepmc: FakeEuropePmc;
let isrctn: FakeIsrctn;
/** Upstream URLs of the fakes for the stack and `npm run poll`. */
const upstreams = () => ({ PUBMED_EUTILS_URL: pubmed.url, CTGOV_API_URL: ctgov.url, EUROPE_PMC_URL: europepmc.url, ISRCTN_API_URL: isrctn.url });
let stack: Stack | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'le-stack-'));

async function api(path: string, init: RequestInit & { token?: string } = {}) {
  const res = await fetch(`${stack!.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Cand = { studyId: string; version: number; status: string; sources: string[]; identifiers: { type: string; value: string }[]; title: string };

async function queue(status: string, token: string): Promise<Cand[]> {
  const r = await api(`/api/reviews/${REVIEW}/queue?status=${status}&limit=100`, { token });
  expect(r.status).toBe(200);
  return r.body.items as Cand[];
}

async function command(studyId: string, path: string, body: Record<string, unknown>, token: string) {
  return api(`/api/reviews/${REVIEW}/candidates/${studyId}/${path}`, { method: 'POST', body: JSON.stringify(body), token });
}

/**
 * Screens a candidate in at both stages — by two independent screeners when the review asks for
 * dual screening — and accepts it with arm-level PHQ-9 data.
 */
async function screenAndAccept(c: Cand, tokens: string[], stats: { n1: number; m1: number; sd1: number; n2: number; m2: number; sd2: number }) {
  let version = c.version;
  let status = c.status;
  for (let step = 0; status === 'screening' || status === 'fulltext'; step++) {
    expect(step).toBeLessThan(6);
    const r = await command(c.studyId, 'screen', { version, decision: 'include' }, tokens[step % tokens.length]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    version = r.body.candidate.version;
    status = r.body.candidate.status;
  }
  expect(status).toBe('extraction');
  const token = tokens[0];
  let r: { status: number; body: any };
  const form = {
    arms: [
      { id: 'i1', label: 'App', role: 'intervention', nRandomised: stats.n1 + 2, nAnalysed: stats.n1 },
      { id: 'c1', label: 'Waiting list', role: 'control', nRandomised: stats.n2 + 2, nAnalysed: stats.n2 },
    ],
    outcomes: [
      {
        outcome: 'depression',
        timepoint: 'post',
        instrument: 'PHQ-9',
        interventionArm: 'i1',
        controlArm: 'c1',
        format: 'mean-sd',
        intervention: { n: stats.n1, mean: stats.m1, sd: stats.sd1 },
        control: { n: stats.n2, mean: stats.m2, sd: stats.sd2 },
      },
    ],
    moderators: {},
    year: 2026,
  };
  r = await command(c.studyId, 'accept', { version, form }, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.candidate.status).toBe('accepted');
}

function snapshot(): any {
  const f = join(dataDir, 'snapshots', REVIEW, 'latest.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null;
}

beforeAll(async () => {
  const match = (term: string) => /cancer|neoplasm|oncolog/i.test(term);
  pubmed = await startFakePubmed({ corpus: [trialArticle, secondArticle], match: (term) => match(term) });
  ctgov = await startFakeCtgov({ studies: [registration] });
  europepmc = await startFakeEuropePmc({ results: [] });
  isrctn = await startFakeIsrctn({ trials: [] });
  stack = await startStack({
    dataDir,
    env: { ...upstreams(), NCBI_EMAIL: 'test@example.org', NCBI_TOOL: 'living-evidence-test', POLL_ON_START: '1', POLL_TICK_SECONDS: '1' },
  });
}, 600_000);

afterAll(async () => {
  if (stack && stack.child.exitCode === null) await stack.stop();
  killDynamoOn(dataDir);
  await pubmed?.close();
  await ctgov?.close();
  await europepmc?.close();
  await isrctn?.close();
});

describe('the local stack end to end', () => {
  it('poll → one linked candidate → accept over HTTP → snapshot → rebuilt page', async () => {
    await stack!.waitFor(/poll: \{.*"candidates"/, 450_000);
    const lead = stack!.signInToken('lead');

    const items = await queue('screening', lead);
    const linked = items.filter((c) => c.identifiers.some((i) => i.type === 'nct' && i.value.toUpperCase() === 'NCT05550001'));
    expect(linked).toHaveLength(1); // the publication and its registration are one study
    expect(linked[0].identifiers).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'pmid', value: '39100001' })]));
    expect(new Set(linked[0].sources)).toEqual(new Set(['pubmed', 'ctgov']));
    expect(items).toHaveLength(2);

    await screenAndAccept(linked[0], [lead, stack!.signInToken('curator')], { n1: 58, m1: 7.9, sd1: 4.1, n2: 57, m2: 10.2, sd2: 4.6 });

    const snap = await eventually(async () => {
      const s = snapshot();
      return s?.studies.some((x: { id: string }) => x.id === linked[0].studyId) ? s : null;
    }, 240_000, 'the snapshot to contain the accepted study');
    const dep = snap.outcomes.find((o: { id: string }) => o.id === 'depression');
    expect(dep.k).toBe(1);
    // Hedges' g of the accepted arm data, as metafor's escalc("SMD") gives it (computed in R:
    // escalc("SMD", m1i=7.9, sd1i=4.1, n1i=58, m2i=10.2, sd2i=4.6, n2i=57) → yi = -0.524618, vi = 0.035982).
    expect(dep.studies[0].yi).toBeCloseTo(-0.524618, 5);
    expect(dep.studies[0].vi).toBeCloseTo(0.035982, 5);

    const html = await eventually(async () => {
      const r = await fetch(`${stack!.url}/reviews/${REVIEW}/`);
      const t = await r.text();
      return r.status === 200 && t.includes('Rivera') && /data-testid="k"[^>]*>1</.test(t) ? t : null;
    }, 240_000, 'the rebuilt review page to show the study');
    expect(html).toMatch(/href="https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/39100001\/"[^>]*>PubMed 39100001</);
    // The stream was the trigger, and the dashboard came from a rebuilt site.
    expect(stack!.output()).toMatch(/reanalysed cancer-digital/);
    // Polls follow each review's cadence: the scheduler ticked every second since, yet nothing polled
    // at start-up (daily / weekly reviews, fresh checkpoints) was due again.
    expect(stack!.output().match(/^.*poll: \{.*$/gm)).toHaveLength(1);
    expect(stack!.output().match(/polling pubmed cancer-digital \(daily; never polled\)/g)).toHaveLength(1);
    expect(stack!.output()).toMatch(/pollers +each review on its cadence \(.*cancer-digital daily/);
  }, 900_000);

  it('a kill -9 right after an acceptance loses nothing: the restarted stack publishes it', async () => {
    const lead = stack!.signInToken('lead');
    const [other] = (await queue('screening', lead)).filter((c) => c.identifiers.some((i) => i.value === '39100002'));
    expect(other).toBeTruthy();
    await screenAndAccept(other, [lead, stack!.signInToken('curator')], { n1: 40, m1: 6.1, sd1: 3.2, n2: 41, m2: 7.4, sd2: 3.5 });
    await stack!.kill9();

    stack = await startStack({ dataDir, env: { ...upstreams(), POLL_ON_START: '0' } });
    expect(stack.output()).toMatch(/found \(data kept from the last run\)/);
    const snap = await eventually(async () => {
      const s = snapshot();
      return s?.studies.some((x: { id: string }) => x.id === other.studyId) ? s : null;
    }, 240_000, 'the snapshot to contain the study accepted before the kill');
    expect(snap.outcomes.find((o: { id: string }) => o.id === 'depression').k).toBe(2);
  }, 900_000);

  it('a retraction, from poll to page: the accepted trial leaves the pooled analysis, the history names the notice, curators are told', async () => {
    // PubMed links a retraction notice to the accepted trial and changes its modification date.
    pubmed.upsert({
      ...trialArticle,
      mdat: day(0),
      publicationTypes: [...trialArticle.publicationTypes, 'Retracted Publication'],
      comments: [{ refType: 'RetractionIn', refSource: 'Psychooncology. 2026;35(4):e7001', pmid: '39100099' }],
    });
    // The next poll (`npm run poll`, into the running stack's database).
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/poll.ts', '--source', 'pubmed', '--review', REVIEW], {
      // DYNAMODB_ENDPOINT empty: the poll finds the running stack's database through DATA_DIR.
      env: { ...process.env, ...upstreams(), DYNAMODB_ENDPOINT: '', DATA_DIR: dataDir, NCBI_EMAIL: 'test@example.org' },
      encoding: 'utf8',
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.updated).toBeGreaterThanOrEqual(1);

    const snap = await eventually(async () => {
      const s = snapshot();
      return s?.outcomes.find((o: { id: string }) => o.id === 'depression')?.k === 1 ? s : null;
    }, 240_000, 'the snapshot to drop the retracted study');
    const ex = snap.excluded.find((e: { id: string }) => e.id === 'NCT05550001');
    expect(ex.reason).toMatch(/^retracted: PubMed 39100001: Retracted: Psychooncology\. 2026;35\(4\):e7001, PMID 39100099/);
    expect(snap.studies.find((x: { id: string }) => x.id === 'NCT05550001').retracted).toBe(true);
    expect(snap.changes.some((c: { text: string }) => /was retracted and left the analysis \(notice: .*PMID 39100099/.test(c.text))).toBe(true);

    // The public page says so, with the notice, and pools one study.
    const html = await eventually(async () => {
      const r = await fetch(`${stack!.url}/reviews/${REVIEW}/`);
      const t = await r.text();
      return r.status === 200 && /data-testid="k"[^>]*>1</.test(t) && t.includes('PMID 39100099') ? t : null;
    }, 240_000, 'the rebuilt review page to drop the retracted study');
    expect(html).toMatch(/was retracted and left the analysis/);

    // Curators see it on their home page.
    const home = await fetch(`${stack!.url}/curate`, { headers: { authorization: `Bearer ${stack!.signInToken('curator')}` } });
    const page = await home.text();
    expect(home.status).toBe(200);
    expect(page).toContain('data-testid="retraction-notices"');
    expect(page).toMatch(/NCT05550001<\/a>[^<]*was accepted\): PubMed 39100001: Retracted: Psychooncology/);
  }, 900_000);

  it('stops cleanly', async () => {
    const code = await stack!.stop();
    expect(code).toBe(0);
    expect(stack!.output()).toMatch(/stopped cleanly/);
    // No DynamoDB Local left running on this data folder.
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps.split('\n').filter((l) => l.includes('DynamoDBLocal') && l.includes(dataDir))).toEqual([]);
  }, 900_000);
});
