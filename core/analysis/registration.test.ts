import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { humanDate, registrationsOf, registrationTiming } from './registration.js';

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Whole calendar months from `start` until `reg` (by stepping a month at a time), for day-precise dates. */
function monthsBetween(start: Date, reg: Date): number {
  let n = 0;
  for (;;) {
    const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n + 1, 1));
    // the same day of month, clamped to the month's length
    const last = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
    next.setUTCDate(Math.min(start.getUTCDate(), last));
    if (next.getTime() > reg.getTime()) return n;
    n++;
  }
}

describe('registration timing', () => {
  it('day-precise dates: prospective up to the start day, retrospective after it, with the whole months late', () => {
    const day = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())));
    fc.assert(
      fc.property(day, day, (reg, start) => {
        const t = registrationTiming(iso(reg), iso(start));
        if (reg.getTime() <= start.getTime()) expect(t).toEqual({ timing: 'prospective' });
        else {
          expect(t.timing).toBe('retrospective');
          // A start on the 31st "plus one month" is clamped by the oracle; the registry's day-of-month
          // comparison counts it as not yet a month: allow that one-day edge.
          if (start.getUTCDate() <= 28) expect(t.monthsLate).toBe(monthsBetween(start, reg));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('compares at the precision both dates share; the same month or year is unclear', () => {
    expect(registrationTiming('2021-01-20', '2021-03')).toEqual({ timing: 'prospective' });
    expect(registrationTiming('2021-03-20', '2021-03')).toEqual({ timing: 'unclear' });
    expect(registrationTiming('2021-05-02', '2021-03')).toEqual({ timing: 'retrospective', monthsLate: 2 });
    expect(registrationTiming('2021', '2021-03-01')).toEqual({ timing: 'unclear' });
    // Years only: later, but not by how many months.
    expect(registrationTiming('2023', '2021-03')).toEqual({ timing: 'retrospective' });
    expect(registrationTiming(undefined, '2021-03')).toEqual({ timing: 'unclear' });
    expect(registrationTiming('2021-13', '2021-03')).toEqual({ timing: 'unclear' });
    expect(registrationTiming('March 2021', '2021-03')).toEqual({ timing: 'unclear' });
  });

  it('says what the dates mean in one sentence, dates in words', () => {
    expect(humanDate('2019')).toBe('2019');
    expect(humanDate('2019-03')).toBe('March 2019');
    expect(humanDate('2019-03-07')).toBe('7 March 2019');
    const [pro, retro, late, unknown] = [
      { registered: '2019-02-01', started: '2019-03' },
      { registered: '2020-06-15', started: '2019-03-01' },
      { registered: '2019-03-20', started: '2019-03-01' },
      { registered: '2019-02-01' },
    ].map((f) => registrationsOf({ registration: { nctId: 'NCT00000001', hasResults: false, ...f } })[0]);
    expect(pro).toMatchObject({ registry: 'ClinicalTrials.gov', id: 'NCT00000001', timing: 'prospective' });
    expect(pro.sentence).toBe('Registered on 1 February 2019, before the trial started (March 2019): the planned outcomes were written down before any result could be known.');
    expect(retro).toMatchObject({ timing: 'retrospective', monthsLate: 15 });
    expect(retro.sentence).toMatch(/^Registered on 15 June 2020, 15 months after the trial started \(1 March 2019\): registered retrospectively/);
    expect(late.sentence).toMatch(/^Registered on 20 March 2019, less than a month after the trial started/);
    expect(unknown).toMatchObject({ timing: 'unclear' });
    expect(unknown.sentence).toMatch(/does not give both the registration and the start date/);
  });

  it('lists ClinicalTrials.gov, then ISRCTN; none when the study has no registration', () => {
    const both = registrationsOf({
      registration: { nctId: 'NCT00000002', hasResults: true, plannedOutcomes: [{ kind: 'primary', measure: 'PHQ-9', timeFrame: '8 weeks' }] },
      isrctnRegistration: { isrctn: 'ISRCTN00000003', registered: '2020-01-01', started: '2020-02-01' },
    });
    expect(both.map((r) => [r.registry, r.id, r.timing])).toEqual([
      ['ClinicalTrials.gov', 'NCT00000002', 'unclear'],
      ['ISRCTN', 'ISRCTN00000003', 'prospective'],
    ]);
    expect(both[0].plannedOutcomes).toEqual([{ kind: 'primary', measure: 'PHQ-9', timeFrame: '8 weeks' }]);
    expect(both[1].plannedOutcomes).toEqual([]);
    expect(registrationsOf({})).toEqual([]);
  });
});
