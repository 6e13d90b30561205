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
});
