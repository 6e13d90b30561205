import { daysFrom, shiftDates } from '../../src/scenarios/shift-dates';

describe('shifting a chart to another day', () => {
  it('moves dates and dateTimes, keeping the time of day and everything else', () => {
    const chart = {
      id: '2026-01-01',
      effectiveDateTime: '2026-11-20T09:30:00Z',
      period: { start: '2026-02-28', end: '2026-03-01T10:00:00+02:00' },
      code: { coding: [{ code: '72514-3' }] },
      valueQuantity: { value: 8 },
      note: [{ text: 'seen 2026-11-20' }],
    };
    const shifted = shiftDates(chart, 10);
    expect(shifted.effectiveDateTime).toBe('2026-11-30T09:30:00Z');
    expect(shifted.period).toEqual({ start: '2026-03-10', end: '2026-03-11T10:00:00+02:00' });
    expect(shifted.id).toBe('2026-01-01');
    expect(shifted.code).toEqual(chart.code);
    expect(shifted.note).toEqual(chart.note);
    expect(chart.effectiveDateTime).toBe('2026-11-20T09:30:00Z');
  });

  it('counts the days between reference date and today', () => {
    expect(daysFrom('2026-11-26', '2027-01-05')).toBe(40);
  });
});
