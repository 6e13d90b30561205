import fc from 'fast-check';
import { addDays, addMonths, dateOf, daysBetween, instantOf, lastDateOf } from '../../src/kit';

describe('policy dates', () => {
  it('reads the last day a partial date may mean', () => {
    expect(lastDateOf('2026-02')).toBe('2026-02-28');
    expect(lastDateOf('2024-02')).toBe('2024-02-29');
    expect(lastDateOf('2025')).toBe('2025-12-31');
    expect(lastDateOf('2025-06-14')).toBe('2025-06-14');
    expect(lastDateOf('2025-06-14T10:00:00Z')).toBe('2025-06-14');
    expect(lastDateOf('junk')).toBeUndefined();
  });

  it('reads the calendar date of dates, dateTimes and partial dates', () => {
    expect(dateOf('2026-03-14')).toBe('2026-03-14');
    expect(dateOf('2026-03-14T23:30:00-05:00')).toBe('2026-03-14');
    expect(dateOf('2026-03')).toBe('2026-03-01');
    expect(dateOf('2026')).toBe('2026-01-01');
    expect(dateOf('14/03/2026')).toBeUndefined();
    expect(dateOf('2026-13-01')).toBeUndefined();
    expect(dateOf(42)).toBeUndefined();
  });

  it('gives an instant only for dateTimes with a time of day', () => {
    expect(instantOf('2026-03-14T09:00:00Z')).toBe(Date.parse('2026-03-14T09:00:00Z'));
    expect(instantOf('2026-03-14')).toBeUndefined();
  });

  it('adds calendar months, clamping to the end of shorter months', () => {
    expect(addMonths('2026-01-15', 3)).toBe('2026-04-15');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-11-26', -12)).toBe('2025-11-26');
  });

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
    expect(daysBetween('2026-12-25', '2027-01-08')).toBe(14);
    expect(daysBetween('2027-01-08', '2026-12-25')).toBe(-14);
  });

  describe('day arithmetic gives what Date gives (a YYYY-MM-DD read without Date.split, issue 15)', () => {
    /** The arithmetic as Date does it, day by day through setUTCDate. */
    const viaDate = (date: string) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      return new Date(Date.UTC(y, m - 1, d));
    };
    const reference = {
      addDays: (date: string, days: number) => {
        const d = viaDate(date);
        d.setUTCDate(d.getUTCDate() + days);
        return d.toISOString().slice(0, 10);
      },
      daysBetween: (a: string, b: string) => Math.round((viaDate(b).getTime() - viaDate(a).getTime()) / 86_400_000),
    };
    const answer = (f: () => unknown) => {
      try {
        return { value: f() };
      } catch (error) {
        return { threw: (error as Error).name };
      }
    };
    const dates = fc.oneof(
      fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
      fc.constantFrom('2024-02-29', '2025-02-29', '0099-12-31', '2025-1-05', '2025-06', '2025-06-01T10:00', ' 2025-06-01', '2025-0a-01', '+202-06-01', ''),
    );

    it('addDays and daysBetween, on real, overflowing and odd dates', () => {
      fc.assert(
        fc.property(dates, dates, fc.integer({ min: -800, max: 800 }), (a, b, days) => {
          expect(answer(() => addDays(a, days))).toEqual(answer(() => reference.addDays(a, days)));
          expect(answer(() => daysBetween(a, b))).toEqual(answer(() => reference.daysBetween(a, b)));
        }),
        { numRuns: 2000 },
      );
    });
  });
});
