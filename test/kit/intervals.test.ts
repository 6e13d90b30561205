import { RequestMemo, courseEnd, coveredDays, rollingCount, supplyDays, therapyDays } from '../../src/kit';

describe('counting days', () => {
  it('counts the days a union of intervals covers, overlaps once, clipped to the window', () => {
    expect(coveredDays([['2026-01-01', '2026-01-10'], ['2026-01-05', '2026-01-20'], ['2026-03-01', '2026-03-01']], '2026-01-03', '2026-12-31')).toBe(19);
    expect(coveredDays([['2026-01-01', '2026-01-10'], ['2026-01-11', '2026-01-12']], '2026-01-01', '2026-01-31')).toBe(12);
    expect(coveredDays([], '2026-01-01', '2026-01-31')).toBe(0);
  });

  it('counts a therapy session for its week and a performed period up to today', () => {
    expect(therapyDays([{ date: '2026-01-05' }, { date: '2026-01-12' }, { date: '2026-01-19' }, { date: '2026-01-26' }], '2025-12-01', '2026-12-31', '2026-12-31').days).toBe(28);
    expect(therapyDays([{ date: '2026-01-05', end: '2026-03-01' }], '2025-12-01', '2026-12-31', '2026-01-14')).toEqual({ days: 10, first: '2026-01-05', last: '2026-01-14' });
  });

  it('reads days of supply from a Duration, and refuses a course longer than ten years', () => {
    expect(supplyDays({ value: 3, code: 'wk' })).toBe(21);
    expect(supplyDays({ value: 30, unit: 'days' })).toBe(30);
    expect(supplyDays({ value: 1, code: 'a' })).toBeUndefined();
    expect(supplyDays({ value: 4000, code: 'd' })).toBeUndefined();
    expect(courseEnd({ start: '2026-01-01', days: 21, ongoing: false }, '2026-12-31')).toBe('2026-01-21');
    expect(courseEnd({ start: '2026-01-01', ongoing: true }, '2026-06-30')).toBe('2026-06-30');
    expect(courseEnd({ start: '2026-01-01', ongoing: false }, '2026-06-30')).toBeUndefined();
  });
});

describe('sessions in a rolling window', () => {
  it('counts the sessions of the 12 months that end on the date, and gives the first date a new one fits under the cap', () => {
    const dates = ['2025-11-26', '2026-02-10', '2026-09-01'];
    // The window of 2026-11-26 opens on 2025-11-27: the session of 2025-11-26 has left it.
    expect(rollingCount(dates, '2026-11-26', 12, 2)).toEqual({ within: ['2026-02-10', '2026-09-01'], windowStart: '2025-11-27', firstEligibleDate: '2027-02-10' });
    expect(rollingCount(dates, '2026-11-26', 12, 3)).toEqual({ within: ['2026-02-10', '2026-09-01'], windowStart: '2025-11-27' });
    // On the first eligible date the window no longer holds the session that had to leave.
    expect(rollingCount(dates, '2027-02-10', 12, 2).firstEligibleDate).toBeUndefined();
    expect(rollingCount(dates, '2027-02-09', 12, 2).firstEligibleDate).toBe('2027-02-10');
    // Sessions after the date are not in its window.
    expect(rollingCount(['2026-12-01'], '2026-11-26', 12, 1).within).toEqual([]);
  });
});

describe('the request memo', () => {
  it('computes a value once per request, and per record', () => {
    const memo = new RequestMemo();
    const compute = jest.fn(() => [1]);
    expect(memo.once('k', compute)).toBe(memo.once('k', compute));
    expect(compute).toHaveBeenCalledTimes(1);
    const a = {};
    const b = {};
    const perItem = jest.fn((x: object) => (x === a ? 'a' : 'b'));
    expect([memo.of('r', a, () => perItem(a)), memo.of('r', b, () => perItem(b)), memo.of('r', a, () => perItem(a))]).toEqual(['a', 'b', 'a']);
    expect(perItem).toHaveBeenCalledTimes(2);
    expect(new RequestMemo().once('k', () => 2)).toBe(2);
  });
});
